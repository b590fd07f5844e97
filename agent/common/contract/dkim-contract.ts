/**
 * The director's DKIM RPCs (docs/edge.md): the DNS records a department publishes for its mail
 * domain, checked against DNS, and the keys' rotation. Public keys and selectors only: no method
 * of the contract carries a private key.
 */
import { z } from 'zod';

const mailDomain = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a mail domain name');

/** What DNS says about one record: as expected, absent, or something else there. */
export const dnsRecordStates = ['published', 'missing', 'different', 'unreachable'] as const;

/** One record a department publishes. */
export const departmentDnsRecord = z.object({
  purpose: z.enum(['dkim', 'spf', 'dmarc']),
  /** The owner name, e.g. `mf20261207r1a2b._domainkey.eng.univ.example`. */
  name: z.string(),
  type: z.literal('TXT'),
  /** The TXT value to publish. */
  value: z.string(),
  /** DKIM only: the key's selector, algorithm and state (pending keys are to publish before they sign). */
  selector: z.string().optional(),
  algorithm: z.enum(['rsa-sha256', 'ed25519-sha256']).optional(),
  state: z.enum(['pending', 'active', 'retiring']).optional(),
  /** A retiring key: its record may be withdrawn after this (ISO 8601). */
  until: z.string().optional(),
  dns: z.enum(dnsRecordStates),
  /** The TXT values DNS answered for the name (the relevant ones: SPF, DMARC, DKIM). */
  found: z.array(z.string()),
});

export type DepartmentDnsRecord = z.infer<typeof departmentDnsRecord>;

/** `dkim.records` result. */
export const departmentDnsRecords = z.object({
  domain: z.string(),
  checkedAt: z.number(),
  records: z.array(departmentDnsRecord),
});

export type DepartmentDnsRecords = z.infer<typeof departmentDnsRecords>;

export const dkimMethods = {
  'dkim.records': {
    params: z.object({ domain: mailDomain }).strict(),
    result: departmentDnsRecords,
    audited: false,
    summary:
      "The DNS records a mail domain's department publishes (DKIM keys, SPF, DMARC), each checked against DNS now.",
  },
  'dkim.rotate': {
    params: z.object({ domain: mailDomain }).strict(),
    result: z.object({ pending: z.array(z.string()) }),
    audited: true,
    summary:
      'Make new DKIM keys (RSA 2048 and Ed25519) for a mail domain, pending: their records are to publish before they sign.',
  },
  'dkim.activate': {
    params: z.object({ domain: mailDomain, force: z.boolean().default(false) }).strict(),
    result: z.object({ active: z.array(z.string()), retiring: z.array(z.string()) }),
    audited: true,
    summary:
      "Sign with a domain's pending DKIM keys once DNS publishes them (force: without checking); the keys they replace retire for the grace period.",
  },
} as const;
