/**
 * The `proxy` section of the agent configuration: the director's IMAP/POP3 proxy (docs/proxy.md).
 * Ports `0` pick free ports (published in the server entry as `imap`, `imaps`, `pop3`, `pop3s`).
 * The certificate comes from the top-level `tls` section; the implicit-TLS ports need it.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);

/** Schema of the `proxy` section. */
export const proxySettingsSchema = z
  .object({
    /** Where the proxy listens (`0.0.0.0` for every interface). */
    host: z.string().min(1).max(255),
    imapPort: port,
    /** IMAP over implicit TLS (993-style); off when absent. Needs `tls`. */
    imapsPort: port.optional(),
    pop3Port: port,
    /** POP3 over implicit TLS (995-style); off when absent. Needs `tls`. */
    pop3sPort: port.optional(),
    /** Plaintext logins from non-loopback clients without TLS. Default false: STARTTLS/STLS first. */
    allowPlaintextAuth: z.boolean().default(false),
    /** CA certificates (PEM) the stores' certificates are checked against; default the system's. */
    storeCaFile: z.string().refine(isAbsolute, 'must be an absolute path').optional(),
    /** When to use STARTTLS/STLS towards the stores (default `remote`: stores not on loopback). */
    tlsToStores: z.enum(['remote', 'always', 'never']).default('remote'),
    /** How long the store list and server entries are reused, in ms. Default 10 s. */
    storeCacheMs: z.number().int().min(0).max(3_600_000).default(10_000),
    /** Wait before answering a failed login, in ms. Default 2 s. */
    failedLoginDelayMs: z.number().int().min(0).max(60_000).default(2_000),
    /** Connections one client address may hold before login (Postfix anvil's default: 50). */
    maxConnectionsPerAddress: z.number().int().min(1).max(100_000).default(50),
    /** Relayed sessions per user and client address (Dovecot's mail_max_userip_connections: 10). */
    maxSessionsPerUserAddress: z.number().int().min(1).max(10_000).default(10),
  })
  .strict();

/** A parsed `proxy` section. */
export type ProxySettings = z.output<typeof proxySettingsSchema>;
