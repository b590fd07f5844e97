/**
 * Messages are stored with CRLF line ends (what IMAP sends and RFC822.SIZE counts, and what
 * Dovecot's W= size means), so bare LF or bare CR from an APPEND are turned into CRLF once, here.
 */

/** True if every CR is followed by LF and every LF preceded by CR. */
export function hasOnlyCrlf(data: Buffer): boolean {
  let at = data.indexOf(0x0a);
  while (at >= 0) {
    if (at === 0 || data[at - 1] !== 0x0d) return false;
    at = data.indexOf(0x0a, at + 1);
  }
  at = data.indexOf(0x0d);
  while (at >= 0) {
    if (data[at + 1] !== 0x0a) return false;
    at = data.indexOf(0x0d, at + 1);
  }
  return true;
}

/** The message with every line end as CRLF (the same buffer when it already is). */
export function toCrlf(data: Buffer): Buffer {
  if (hasOnlyCrlf(data)) return data;
  const out = Buffer.allocUnsafe(data.length * 2);
  let length = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i]!;
    if (byte === 0x0d) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
      if (data[i + 1] === 0x0a) i++;
    } else if (byte === 0x0a) {
      out[length++] = 0x0d;
      out[length++] = 0x0a;
    } else {
      out[length++] = byte;
    }
  }
  return Buffer.from(out.subarray(0, length));
}
