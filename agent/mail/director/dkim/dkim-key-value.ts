/**
 * A domain's DKIM key as the directory holds it (`mailfleetDkimKey`, one value per key, public part
 * only): `selector=mf20261207r3f1a; algorithm=rsa-sha256; state=active; created=2026-12-07T06:00:00Z;
 * key=MIIBIjAN…`, with `until=` on a retiring key. The private key never leaves the director
 * (dkim-key-files.ts). The states are the key's life (docs/edge.md):
 *
 * - `pending`: made, its TXT record to be published; not used to sign yet;
 * - `active`: signs every message of the domain (one RSA and one Ed25519 key, RFC 8463's dual
 *   signing, so receivers that do not know Ed25519 still verify the RSA signature);
 * - `retiring`: replaced; signs nothing, its record stays published until `until` so mail signed
 *   before the rotation and still in transit or in a queue verifies; removed after that.
 */
import { z } from 'zod';

/** The two algorithms signed with (RFC 6376 rsa-sha256 with 2048-bit keys, RFC 8463 ed25519-sha256). */
export const dkimAlgorithms = ['rsa-sha256', 'ed25519-sha256'] as const;
export type DkimAlgorithm = (typeof dkimAlgorithms)[number];

/** Where a key is in its life. */
export type DkimKeyState = 'pending' | 'active' | 'retiring';

/** One `mailfleetDkimKey` value, parsed. */
export interface DkimKeyValue {
  /** The DKIM selector (`s=`): the key's DNS name is `<selector>._domainkey.<domain>`. */
  selector: string;
  algorithm: DkimAlgorithm;
  state: DkimKeyState;
  /** When the key was made (ISO 8601). */
  created: string;
  /** For a retiring key: when its record may be withdrawn and the key deleted (ISO 8601). */
  until?: string;
  /** The DNS record's `p=`: base64 of the RSA SubjectPublicKeyInfo, or of the raw Ed25519 key. */
  publicKey: string;
}

const selectorPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const valueSchema = z.object({
  selector: z.string().regex(selectorPattern, 'a selector is one DNS label of a-z, 0-9 and -'),
  algorithm: z.enum(dkimAlgorithms),
  state: z.enum(['pending', 'active', 'retiring']),
  created: z.iso.datetime(),
  until: z.iso.datetime().optional(),
  publicKey: z.base64().min(40).max(1024),
});

/** Whether a text is a usable DKIM selector (one DNS label). */
export function isDkimSelector(text: string): boolean {
  return selectorPattern.test(text);
}

/** Parses a `mailfleetDkimKey` value; a value that does not parse is an Error saying why. */
export function parseDkimKeyValue(text: string): DkimKeyValue | Error {
  const fields: Record<string, string> = {};
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    if (name === 'key') fields.publicKey = part.slice(at + 1).trim();
    else fields[name] = part.slice(at + 1).trim();
  }
  const parsed = valueSchema.safeParse(fields);
  if (!parsed.success)
    return new Error(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; '),
    );
  const value: DkimKeyValue = { ...parsed.data };
  if (value.until === undefined) delete value.until;
  return value;
}

/** The directory form of a key (what parseDkimKeyValue reads). */
export function formatDkimKeyValue(value: DkimKeyValue): string {
  const until = value.until ? `; until=${value.until}` : '';
  return `selector=${value.selector}; algorithm=${value.algorithm}; state=${value.state}; created=${value.created}${until}; key=${value.publicKey}`;
}

/** The TXT record a department publishes at `<selector>._domainkey.<domain>` (RFC 6376 3.6.1). */
export function dkimTxtRecord(value: Pick<DkimKeyValue, 'algorithm' | 'publicKey'>): string {
  return `v=DKIM1; k=${value.algorithm === 'rsa-sha256' ? 'rsa' : 'ed25519'}; p=${value.publicKey}`;
}
