/**
 * Modified UTF-7 (RFC 3501 section 5.1.3), the encoding IMAP4rev1 clients use for mailbox names on
 * the wire, and Dovecot for Maildir++ folder names on disk (so a folder created here shows under the
 * same, for example Japanese, name in Dovecot and the other way round). Storage and the IMAP
 * server keep names in UTF-8 and convert at their edges with this one codec.
 */

/** RFC 3501 modified BASE64: RFC 2045 base64 with `,` instead of `/`, never padded. */
const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** A name that is not valid modified UTF-7, with the reason in words. */
export class InvalidModifiedUtf7Error extends Error {
  override readonly name = 'InvalidModifiedUtf7Error';
}

function isDirect(code: number): boolean {
  return code >= 0x20 && code <= 0x7e;
}

function encodeRun(units: number[]): string {
  const bytes: number[] = [];
  for (const unit of units) bytes.push(unit >> 8, unit & 0xff);
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += alphabet[(value >> bits) & 0x3f];
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += alphabet[(value << (6 - bits)) & 0x3f];
  return `&${out}-`;
}

/** Encodes a UTF-8 (JavaScript) mailbox name into modified UTF-7. */
export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const unit = name.charCodeAt(i);
    if (isDirect(unit)) {
      if (pending.length > 0) {
        out += encodeRun(pending);
        pending = [];
      }
      out += unit === 0x26 ? '&-' : name[i];
    } else {
      pending.push(unit);
    }
  }
  if (pending.length > 0) out += encodeRun(pending);
  return out;
}

function decodeRun(run: string, at: number): string {
  let value = 0;
  let bits = 0;
  const units: number[] = [];
  let high = -1;
  for (const char of run) {
    const digit = alphabet.indexOf(char);
    if (digit === -1)
      throw new InvalidModifiedUtf7Error(`invalid character "${char}" in base64 run at ${at}`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((value >> bits) & 0xffff);
      value &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be padding: fewer than 6 and all zero, else the run was cut or altered.
  if (bits >= 6 || value !== 0)
    throw new InvalidModifiedUtf7Error(`base64 run at ${at} does not end on a UTF-16 boundary`);
  let out = '';
  for (const unit of units) {
    if (unit >= 0xd800 && unit <= 0xdbff) {
      if (high !== -1) throw new InvalidModifiedUtf7Error(`unpaired UTF-16 surrogate in run at ${at}`);
      high = unit;
      continue;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      if (high === -1) throw new InvalidModifiedUtf7Error(`unpaired UTF-16 surrogate in run at ${at}`);
      out += String.fromCharCode(high, unit);
      high = -1;
      continue;
    }
    if (high !== -1) throw new InvalidModifiedUtf7Error(`unpaired UTF-16 surrogate in run at ${at}`);
    if (isDirect(unit)) throw new InvalidModifiedUtf7Error(`printable ASCII encoded in base64 at ${at}`);
    out += String.fromCharCode(unit);
  }
  if (high !== -1) throw new InvalidModifiedUtf7Error(`unpaired UTF-16 surrogate in run at ${at}`);
  return out;
}

/**
 * Decodes a modified UTF-7 mailbox name. Strict: only the canonical encoding is accepted (the one
 * {@link encodeMailboxName} produces), so one folder cannot be reached under two spellings.
 * @throws InvalidModifiedUtf7Error with the reason in words.
 */
export function decodeMailboxName(wire: string): string {
  let out = '';
  let i = 0;
  while (i < wire.length) {
    const code = wire.charCodeAt(i);
    if (!isDirect(code)) {
      throw new InvalidModifiedUtf7Error(`character 0x${code.toString(16)} at ${i} must be base64-encoded`);
    }
    if (code !== 0x26) {
      out += wire[i];
      i++;
      continue;
    }
    const end = wire.indexOf('-', i + 1);
    if (end === -1)
      throw new InvalidModifiedUtf7Error(`"&" at ${i} starts a base64 run that never ends with "-"`);
    out += end === i + 1 ? '&' : decodeRun(wire.slice(i + 1, end), i);
    i = end + 1;
  }
  // Adjacent runs ("&AAA-&AAA-") decode fine but are not canonical; refuse them too.
  if (encodeMailboxName(out) !== wire)
    throw new InvalidModifiedUtf7Error('not the canonical modified UTF-7 encoding');
  return out;
}

/**
 * {@link decodeMailboxName} for names read from disk (Dovecot's folder directories and
 * `subscriptions`): undefined for anything a conforming encoder would not write.
 */
export function decodeMailboxNameOrUndefined(encoded: string): string | undefined {
  try {
    return decodeMailboxName(encoded);
  } catch (error) {
    if (error instanceof InvalidModifiedUtf7Error) return undefined;
    throw error;
  }
}
