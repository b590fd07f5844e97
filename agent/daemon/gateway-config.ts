/**
 * The `gateway` section of the agent configuration: the anti-spam gateway's SMTP listener, its next
 * hop (the director's SMTP), greylisting, the harvest guard and the optional Rspamd scanner
 * (docs/gateway.md). STARTTLS uses the top-level `tls` certificate when there is one.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { gatewaySrsSchema } from './srs-config.js';

const port = z.number().int().min(0).max(65535);
// Messages from 1 KiB to 2 GiB.
const messageSize = z
  .number()
  .int()
  .min(1024)
  .max(2 ** 31);
const duration = z
  .number()
  .int()
  .min(0)
  .max(400 * 86_400_000);

/** Schema of the `gateway` section. */
export const gatewaySettingsSchema = z
  .object({
    /** Where the gateway's SMTP listens (`0.0.0.0` for every interface). */
    host: z.string().min(1).max(255),
    /** 0 picks a free port (published as `smtp`). */
    smtpPort: port,
    /** The director's inbound SMTP, which must trust the gateway's address (`trustedNetworks`). */
    nextHop: z.object({ host: z.string().min(1).max(255), port: port.min(1) }).strict(),
    /** Largest message accepted, in bytes. Default 50 MiB. */
    maxMessageBytes: messageSize.default(50 * 1024 * 1024),
    /** Concurrent SMTP connections. Default 1,000. */
    maxConnections: z.number().int().min(1).max(100_000).default(1000),
    /** Concurrent SMTP connections of one client address (Postfix anvil's default: 50). */
    maxConnectionsPerAddress: z.number().int().min(1).max(100_000).default(50),
    /** `http://host:port` of rspamd's normal worker; without it mail is relayed unscanned, and the status says so. */
    rspamdUrl: z.url({ protocol: /^http$/ }).optional(),
    /** Whole-scan deadline in ms. Default 15 s. */
    scanTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /**
     * ClamAV's daemon (`host:port` of clamd's TCP socket, `TCPSocket` in clamd.conf); without it no
     * virus scan runs, and the status says so (docs/edge.md).
     */
    clamdAddress: z
      .string()
      .regex(/^[^\s:]+:\d{1,5}$/, 'host:port')
      .optional(),
    /**
     * Sender authentication (SPF, DKIM, DMARC with the sender's policy, ARC) at end of DATA, with
     * an Authentication-Results field added; off when absent. `dnsServers`: the resolvers to ask
     * (`address` or `address:port`), default the system's.
     */
    senderAuthentication: z
      .object({ dnsServers: z.array(z.string().min(1).max(64)).max(8).optional() })
      .strict()
      .optional(),
    /** SRS addresses checked at RCPT with the director's secrets, valid ones passed on (srs-config.ts). */
    srs: gatewaySrsSchema.optional(),
    greylist: z
      .object({
        /** Where the greylist journal lives; default `<dataDir>/greylist`. */
        dataDir: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
        minDelayMs: duration.optional(),
        retryWindowMs: duration.optional(),
        passedLifetimeMs: duration.optional(),
        /** 0 turns the client auto-whitelist off. */
        whitelistAfterPasses: z.number().int().min(0).max(1000).optional(),
        whitelistLifetimeMs: duration.optional(),
      })
      .strict()
      .default({}),
    harvest: z
      .object({
        /** Unknown recipients allowed per client in the window (default 20). */
        threshold: z.number().int().min(1).max(100_000).optional(),
        windowMs: duration.optional(),
        blockMs: duration.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

/** A parsed `gateway` section. */
export type GatewaySettings = z.output<typeof gatewaySettingsSchema>;
