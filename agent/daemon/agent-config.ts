/**
 * The agent's configuration file (`mailfleet-agent --config FILE`), parsed with zod. It says only
 * how to reach things; who the node is (role, state, peers) comes from its server entry in the
 * directory. Secrets are never in this file: the bind password is read from its own file.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { directoryUrls } from '../common/directory/directory-urls.js';
import { logLevels } from '../common/json-logger.js';
import { trustedNetworkList } from '../mail/protocol/trusted-networks.js';
import { gatewaySettingsSchema } from './gateway-config.js';
import { proxySettingsSchema } from './proxy-config.js';
import { directorSrsSchema } from './srs-config.js';
import {
  failoverSettingsSchema,
  moveSettingsSchema,
  replicationSettingsSchema,
} from './store-jobs-config.js';

const absolutePath = z.string().refine(isAbsolute, 'must be an absolute path');
const host = z.string().min(1).max(255);
const port = z.number().int().min(0).max(65535);
const listener = z.object({ host, port }).strict();

/** The certificate the mail services present (STARTTLS/STLS and the implicit-TLS ports). PEM files. */
const tlsFiles = z
  .object({
    /** Certificate chain, leaf first. */
    certFile: absolutePath,
    /** Private key (mode 0600). */
    keyFile: absolutePath,
  })
  .strict();

/** CIDR networks (`10.0.0.0/8`, `::1`), checked when the configuration is read. */
const networks = z
  .array(z.string().max(64))
  .max(1000)
  .default([])
  .superRefine((list, context) => {
    try {
      trustedNetworkList(list);
    } catch (error) {
      context.addIssue({
        code: 'custom',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });

/**
 * The mail services of a `store` or `spare` node. Ports `0` pick free ports (published in the server
 * entry). The implicit-TLS ports need `tls`.
 */
const mailServices = z
  .object({
    /** Where the mail services listen (`0.0.0.0` for every interface). */
    host,
    lmtpPort: port,
    imapPort: port,
    /** IMAP over implicit TLS (993-style); off when absent. */
    imapsPort: port.optional(),
    pop3Port: port,
    /** POP3 over implicit TLS (995-style); off when absent. */
    pop3sPort: port.optional(),
    /** Where the mailboxes live; default `<dataDir>/mail`. */
    root: absolutePath.optional(),
    /**
     * Accept USER/PASS, LOGIN and AUTH PLAIN without TLS from other than loopback (e.g. the
     * director's proxy on a private network). Default false: STARTTLS/STLS first.
     */
    allowPlaintextAuth: z.boolean().default(false),
    /**
     * Networks that may deliver over LMTP besides the directors (their server entries' addresses)
     * and this node itself: a director that connects from another address than its entry names.
     */
    lmtpTrustedNetworks: networks,
    /** Largest message accepted by LMTP and APPEND, in bytes. Default 50 MiB. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(2 ** 31)
      .default(50 * 1024 * 1024),
  })
  .strict();

/**
 * The mail routing of a `director` node: inbound SMTP, the durable queue, delivery to stores over
 * LMTP. Port `0` picks a free port (published in the server entry as `smtp`).
 */
const directorServices = z
  .object({
    host,
    smtpPort: port,
    /** Networks that may relay without AUTH (the gateway, campus servers): `10.0.0.0/8`, `::1`. */
    trustedNetworks: networks,
    /** Where the queue's spool lives; default `<dataDir>/queue`. */
    queueRoot: absolutePath.optional(),
    /** Largest message accepted, in bytes. Default 50 MiB. */
    maxMessageBytes: z
      .number()
      .int()
      .min(1024)
      .max(2 ** 31)
      .default(50 * 1024 * 1024),
    /**
     * Concurrent SMTP connections of one client address outside `trustedNetworks`, on every port
     * (Postfix anvil's default: 50).
     */
    maxConnectionsPerAddress: z.number().int().min(1).max(100_000).default(50),
    /** Deliveries in flight per store. Default 20. */
    concurrencyPerDestination: z.number().int().min(1).max(1000).default(20),
    /** AUTH without TLS (loopback tests, trusted private networks). Default false: TLS first. */
    allowPlaintextAuth: z.boolean().default(false),
    /** Submission port (587-style: STARTTLS, AUTH required); off when absent. Needs `tls` unless allowPlaintextAuth. */
    submissionPort: port.optional(),
    /** Implicit-TLS submission port (465-style); off when absent. Needs `tls`. */
    submissionsPort: port.optional(),
    /** HTTPS port of the users' self-service page (docs/self-service.md); off when absent. Needs `tls`. */
    selfServicePort: port.optional(),
    /** Deliver remote recipients by MX over SMTP. Default true; false defers them (451 at RCPT). */
    outboundDelivery: z.boolean().default(true),
    /** Port of the remote MX hosts. Default 25; the lab and tests point it at a loopback port. */
    outboundPort: port.default(25),
    /** DNS servers for MX lookups, `address` or `address:port`; default the system's resolvers. */
    dnsServers: z.array(z.string().min(1).max(64)).max(8).optional(),
    /** Delay DSN once a message has waited this long; 0 = never. Default 4 hours. */
    delayWarningAfterMs: z
      .number()
      .int()
      .min(0)
      .default(4 * 3_600_000),
    /** Queued recipients are bounced after this long. Default 5 days. */
    maximalQueueLifetimeMs: z
      .number()
      .int()
      .min(60_000)
      .default(5 * 86_400_000),
    /**
     * MTA-STS (RFC 8461) on outbound delivery, always on: `policyPort` is the policy hosts' HTTPS
     * port (443; the lab and tests use another), `caFile` extra trusted CAs (PEM) for policy hosts
     * and MX certificates (the system's always count).
     */
    mtaSts: z
      .object({ policyPort: port.min(1).default(443), caFile: absolutePath.optional() })
      .strict()
      .default({ policyPort: 443 }),
    /**
     * DKIM signing of submitted mail (docs/edge.md); off when absent. Private keys live in
     * `keyDir` (default `<dataDir>/dkim`, mode 0700, files 0600); `spf` is what each department's
     * SPF record should authorise (the addresses this director sends from, as SPF mechanisms:
     * `ip4:192.0.2.25`); `dmarcPolicy` the DMARC policy the console suggests.
     */
    dkim: z
      .object({
        keyDir: absolutePath.optional(),
        spf: z
          .array(z.string().regex(/^(ip4:|ip6:|a:|mx:|include:|a$|mx$)[^\s;]*$/, 'an SPF mechanism'))
          .max(20)
          .default(['mx']),
        dmarcPolicy: z.enum(['none', 'quarantine', 'reject']).default('quarantine'),
      })
      .strict()
      .optional(),
    /** SRS for users' forwarded copies to other domains (srs-config.ts). */
    srs: directorSrsSchema,
  })
  .strict();

/** Schema of the agent configuration file. */
export const agentConfigSchema = z
  .object({
    /** Node name: the `cn` of its server entry, e.g. `store05`. */
    node: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, starting with a letter'),
    /** Where the agent keeps its audit log, host key and mail data. */
    dataDir: absolutePath,
    directory: z
      .object({
        /** One URL, or several servers holding the same tree in order of preference. */
        url: directoryUrls,
        baseDn: z.string().min(1),
        bindDn: z.string().min(1),
        bindPasswordFile: absolutePath,
      })
      .strict(),
    /** The SSH control plane. Port 0 picks a free port (published in the server entry). */
    control: listener,
    /** Host name or address consoles reach the agent at; default control.host (or the machine's name for a wildcard). */
    address: host.optional(),
    /** Read-only Prometheus endpoint; off when absent. */
    metricsHttp: listener.optional(),
    /** Default `<dataDir>/ssh_host_ed25519_key`; created on first start. */
    hostKeyFile: absolutePath.optional(),
    /**
     * On the host where slapd runs: its slapo-auditlog file (the shipped configuration writes
     * /var/lib/ldap/mailfleet-audit.ldif), read into this node's `audit.tail`. Needs read access.
     */
    slapdAuditLog: absolutePath.optional(),
    /** Only on the node of role `directory`: the embedded LDAP server to start before anything else. */
    embeddedDirectory: z
      .object({
        host,
        port,
        dataDir: absolutePath,
        baseDn: z.string().min(1),
        /**
         * Addresses or CIDR ranges of the fleet's nodes: never throttled or capped per address
         * (an address a server entry binds from is treated so anyway). docs/directory.md.
         */
        exemptAddresses: z
          .array(z.string().min(1).max(64))
          .max(1_024)
          .refine(
            (networks) => {
              try {
                trustedNetworkList(networks);
                return true;
              } catch {
                return false;
              }
            },
            { message: 'addresses or CIDR ranges, e.g. 10.1.0.0/16' },
          )
          .optional(),
        /** Connections from addresses that are not fleet nodes, in all. Default 1,024. */
        maxConnections: z.number().int().min(1).max(1_000_000).optional(),
        /** Connections from one address that is not a fleet node. Default 64. */
        maxConnectionsPerAddress: z.number().int().min(1).max(1_000_000).optional(),
        /** Seconds before an idle bound connection is closed (slapd's idletimeout); 0: never. Default 900. */
        idleTimeoutSeconds: z.number().int().min(0).max(86_400).optional(),
      })
      .strict()
      .optional(),
    /** Certificate of the mail services; without it STARTTLS/STLS are not offered. */
    tls: tlsFiles.optional(),
    /** Mail services; only used on nodes of role `store` or `spare`. */
    mail: mailServices.optional(),
    /** Mail routing; only used on nodes of role `director`. */
    director: directorServices.optional(),
    /** The director's IMAP/POP3 proxy; only used on nodes of role `director`. */
    proxy: proxySettingsSchema.optional(),
    /** The anti-spam gateway's SMTP; only used on nodes of role `gateway`. */
    gateway: gatewaySettingsSchema.optional(),
    /** Mailbox moves (store and spare nodes; docs/moves.md). */
    moves: moveSettingsSchema.optional(),
    /** Replication of logical stores (docs/replication.md); store and spare nodes. */
    replication: replicationSettingsSchema.optional(),
    /** Failover of logical stores (docs/failover.md); store and spare nodes. */
    failover: failoverSettingsSchema.optional(),
    log: z
      .object({ level: z.enum(logLevels).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()
  .superRefine((config, context) => {
    for (const key of ['imapsPort', 'pop3sPort'] as const) {
      if (config.mail?.[key] !== undefined && !config.tls)
        context.addIssue({
          code: 'custom',
          path: ['mail', key],
          message: `${key} needs the tls section (certFile, keyFile)`,
        });
      if (config.proxy?.[key] !== undefined && !config.tls)
        context.addIssue({
          code: 'custom',
          path: ['proxy', key],
          message: `${key} needs the tls section (certFile, keyFile)`,
        });
    }
    const director = config.director;
    const plainSubmission =
      director?.submissionPort !== undefined && !config.tls && !director.allowPlaintextAuth;
    if ((director?.submissionsPort !== undefined && !config.tls) || plainSubmission)
      context.addIssue({
        code: 'custom',
        path: ['director', plainSubmission ? 'submissionPort' : 'submissionsPort'],
        message: 'submission ports need the tls section (certFile, keyFile)',
      });
    if (director?.selfServicePort !== undefined && !config.tls)
      context.addIssue({
        code: 'custom',
        path: ['director', 'selfServicePort'],
        message: 'the self-service page needs the tls section (certFile, keyFile)',
      });
  });

/** A parsed agent configuration. */
export type AgentConfig = z.output<typeof agentConfigSchema>;
/** A configuration as written (defaults not yet applied). */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** Thrown when the configuration file cannot be read or is not valid. */
export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
}

/** Parses a configuration object (from a file or a test). */
export function parseAgentConfig(value: unknown, source = 'configuration'): AgentConfig {
  const parsed = agentConfigSchema.safeParse(value);
  if (!parsed.success)
    throw new AgentConfigError(`${source} is not valid:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Reads and parses a configuration file. */
export async function loadAgentConfig(path: string): Promise<AgentConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AgentConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AgentConfigError(`${path} is not JSON: ${(error as Error).message}`);
  }
  return parseAgentConfig(value, path);
}

/** Where the director's DKIM private keys live for this configuration. */
export function dkimKeyDirPath(config: AgentConfig): string {
  return config.director?.dkim?.keyDir ?? join(config.dataDir, 'dkim');
}

/** Where the director's SRS secrets live (one a line, the first signs). */
export function srsSecretsPath(config: AgentConfig): string {
  return join(config.dataDir, 'srs-secrets');
}

/** Where the director's queue lives for this configuration. */
export function queueRootPath(config: AgentConfig): string {
  return config.director?.queueRoot ?? join(config.dataDir, 'queue');
}

/** Where the gateway's greylist journal lives for this configuration. */
export function greylistDirPath(config: AgentConfig): string {
  return config.gateway?.greylist.dataDir ?? join(config.dataDir, 'greylist');
}

/** Where the mailboxes live for this configuration. */
export function mailRootPath(config: AgentConfig): string {
  return config.mail?.root ?? join(config.dataDir, 'mail');
}

/** Where the host key lives for this configuration. */
export function hostKeyPath(config: AgentConfig): string {
  return config.hostKeyFile ?? join(config.dataDir, 'ssh_host_ed25519_key');
}
