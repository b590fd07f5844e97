/**
 * IMAP modified UTF-7 (RFC 3501 section 5.1.3): how Dovecot names Maildir++ folders on disk, so a
 * folder created here shows under the same (for example Japanese) name in Dovecot and vice versa.
 */

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,';

/** Encodes a UTF-8 string into modified UTF-7. */
export function encodeModifiedUtf7(text: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const bytes = Buffer.alloc(pending.length * 2);
    for (const [i, unit] of pending.entries()) bytes.writeUInt16BE(unit, i * 2);
    out += `&${bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
    pending = [];
  };
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x20 && unit <= 0x7e) {
      flush();
      out += unit === 0x26 ? '&-' : text[i];
    } else {
      pending.push(unit);
    }
  }
  flush();
  return out;
}

/**
 * Decodes modified UTF-7 strictly; undefined for anything a conforming encoder would not produce
 * (bad base64, leftover bits, encoded printable ASCII, unpaired surrogates, 8-bit bytes).
 */
export function decodeModifiedUtf7(encoded: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < encoded.length) {
    const code = encoded.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return undefined;
    if (code !== 0x26) {
      out += encoded[i];
      i++;
      continue;
    }
    const end = encoded.indexOf('-', i + 1);
    if (end < 0) return undefined;
    if (end === i + 1) {
      out += '&';
      i = end + 1;
      continue;
    }
    const decoded = decodeBase64Run(encoded.slice(i + 1, end));
    if (decoded === undefined) return undefined;
    out += decoded;
    i = end + 1;
    // Two encoded runs back to back must have been one run: a conforming encoder never splits them.
    if (encoded[i] === '&' && encoded[i + 1] !== '-') return undefined;
  }
  return out;
}

function decodeBase64Run(run: string): string | undefined {
  let bits = 0;
  let value = 0;
  const units: number[] = [];
  for (const char of run) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) return undefined;
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 16) {
      bits -= 16;
      units.push((value >> bits) & 0xffff);
      value &= (1 << bits) - 1;
    }
  }
  // Leftover bits must be padding zeros, fewer than one base64 digit plus a partial unit.
  if (bits >= 6 || value !== 0 || units.length === 0) return undefined;
  let text = '';
  for (let k = 0; k < units.length; k++) {
    const unit = units[k]!;
    if (unit >= 0x20 && unit <= 0x7e) return undefined;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = units[k + 1];
      if (low === undefined || low < 0xdc00 || low > 0xdfff) return undefined;
      text += String.fromCharCode(unit, low);
      k++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return undefined;
    } else {
      text += String.fromCharCode(unit);
    }
  }
  return text;
}
