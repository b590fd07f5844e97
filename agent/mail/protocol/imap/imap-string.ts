/**
 * IMAP strings in server responses, built as latin1 strings (one char per byte) so raw message
 * bytes pass through unchanged: NIL, a quoted string when every byte is printable ASCII, else a
 * literal.
 */

/** `NIL` for undefined/null, else a quoted string or literal carrying the bytes of `value` (latin1). */
export function imapString(value: string | undefined | null): string {
  if (value === undefined || value === null) return 'NIL';
  // A plain loop: this runs for every string of every ENVELOPE and BODYSTRUCTURE FETCH builds.
  if (value.length >= 1024) return `{${value.length}}\r\n${value}`;
  let escapes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return `{${value.length}}\r\n${value}`;
    if (code === 0x22 || code === 0x5c) escapes++;
  }
  return escapes === 0 ? `"${value}"` : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

/** Like {@link imapString} for text already in UTF-8 form (our own strings): encodes to latin1 bytes first. */
export function imapUtf8String(value: string | undefined | null): string {
  if (value === undefined || value === null) return 'NIL';
  return imapString(Buffer.from(value, 'utf8').toString('latin1'));
}

/** An IMAP parenthesised list, or NIL when empty. */
export function imapListOrNil(items: readonly string[]): string {
  return items.length === 0 ? 'NIL' : `(${items.join(' ')})`;
}
