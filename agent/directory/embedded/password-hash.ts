/**
 * userPassword hashing and checking, compatible with OpenLDAP: {SSHA512} (what this server
 * writes, as pw-sha2 does), {SSHA256}, {SSHA}, {SHA}, {SHA256}, {SHA512} and {PBKDF2-SHA512}
 * (OpenLDAP contrib pbkdf2 format). Values without a scheme are cleartext, as in slapd.
 */
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const saltedSchemes = {
  SSHA512: { algorithm: 'sha512', digestLength: 64 },
  SSHA256: { algorithm: 'sha256', digestLength: 32 },
  SSHA: { algorithm: 'sha1', digestLength: 20 },
} as const;

const unsaltedSchemes = { SHA512: 'sha512', SHA256: 'sha256', SHA: 'sha1' } as const;

/** Hashes a cleartext password as {SSHA512} with an 8-byte random salt. */
export function hashPassword(cleartext: string): string {
  const salt = randomBytes(8);
  const digest = createHash('sha512').update(cleartext, 'utf8').update(salt).digest();
  return `{SSHA512}${Buffer.concat([digest, salt]).toString('base64')}`;
}

/** The scheme of a stored value (upper case), or undefined for cleartext. */
export function passwordScheme(stored: string): string | undefined {
  const match = /^\{([A-Za-z0-9-]+)\}/.exec(stored);
  return match?.[1]?.toUpperCase();
}

/** Whether a value is already hashed with a scheme this server can check (so it is stored as is). */
export function isSupportedHash(stored: string): boolean {
  const scheme = passwordScheme(stored);
  return (
    scheme !== undefined &&
    (scheme in saltedSchemes || scheme in unsaltedSchemes || scheme === 'PBKDF2-SHA512')
  );
}

/** Checks a cleartext password against a stored value in constant time (for equal-length digests). */
export function verifyPassword(cleartext: string, stored: string): boolean {
  const scheme = passwordScheme(stored);
  const body = scheme === undefined ? stored : stored.slice(scheme.length + 2);
  if (scheme === undefined) return sameBytes(sha256(Buffer.from(cleartext)), sha256(Buffer.from(body)));
  if (scheme in saltedSchemes) {
    const { algorithm, digestLength } = saltedSchemes[scheme as keyof typeof saltedSchemes];
    const decoded = Buffer.from(body, 'base64');
    if (decoded.length <= digestLength) return false;
    const salt = decoded.subarray(digestLength);
    const digest = createHash(algorithm).update(cleartext, 'utf8').update(salt).digest();
    return sameBytes(digest, decoded.subarray(0, digestLength));
  }
  if (scheme in unsaltedSchemes) {
    const algorithm = unsaltedSchemes[scheme as keyof typeof unsaltedSchemes];
    return sameBytes(createHash(algorithm).update(cleartext, 'utf8').digest(), Buffer.from(body, 'base64'));
  }
  if (scheme === 'PBKDF2-SHA512') return verifyPbkdf2(cleartext, body);
  return false;
}

/** `<iterations>$<salt>$<hash>` in OpenLDAP's adapted base64 (`.` for `+`, no padding). */
function verifyPbkdf2(cleartext: string, body: string): boolean {
  const [iterationsText, saltText, hashText] = body.split('$');
  if (!iterationsText || !saltText || !hashText || !/^[0-9]+$/.test(iterationsText)) return false;
  const iterations = Number(iterationsText);
  // A stored value can name any iteration count; refuse absurd ones rather than stall the server.
  if (iterations < 1 || iterations > 10_000_000) return false;
  const salt = adaptedBase64(saltText);
  const expected = adaptedBase64(hashText);
  if (expected.length === 0) return false;
  return sameBytes(pbkdf2Sync(cleartext, salt, iterations, expected.length, 'sha512'), expected);
}

function adaptedBase64(text: string): Buffer {
  return Buffer.from(text.replace(/\./g, '+'), 'base64');
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
