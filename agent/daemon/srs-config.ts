/**
 * The `srs` settings of the director and the gateway (docs/self-service.md "SRS"). The director
 * signs forwarded senders and leads SRS addresses back; a gateway in front of it checks the hash of
 * SRS addresses at RCPT with a copy of the director's secrets, and passes the valid ones on.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

const srsDomain = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i, 'a domain name');

/**
 * The director's: on unless `enabled: false`; `domain` the SRS domain (default: the director's own
 * host name, its `address` or else the node name, when that is a DNS name). The secrets live in
 * `<dataDir>/srs-secrets` (0600, made at first start).
 */
export const directorSrsSchema = z
  .object({ enabled: z.boolean().default(true), domain: srsDomain.optional() })
  .strict()
  .default({ enabled: true });

/**
 * The gateway's (off when absent): the director's SRS `domain` and `secretsFile`, a copy of the
 * director's `<dataDir>/srs-secrets` (0600; read, never made here).
 */
export const gatewaySrsSchema = z
  .object({
    domain: srsDomain,
    secretsFile: z.string().refine(isAbsolute, 'must be an absolute path'),
  })
  .strict();
