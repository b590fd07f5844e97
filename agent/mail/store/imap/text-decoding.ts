/**
 * Turns raw header and body bytes into text for SEARCH: charsets (with the ICU decoders Node ships:
 * ISO-2022-JP, Shift_JIS, EUC-JP...), RFC 2047 encoded-words, base64 and quoted-printable.
 */

/** Decodes bytes in a charset; unknown charsets fall back to UTF-8 if valid, else latin1. */
export function decodeCharset(bytes: Buffer, charset: string | undefined): string {
  const label = (charset ?? '').trim().toLowerCase();
  if (label !== '' && label !== 'us-ascii' && label !== 'utf-8' && label !== 'utf8') {
    try {
      return new TextDecoder(label).decode(bytes);
    } catch {
      // Unknown label: guess below.
    }
  }
  return decodeUnlabelled(bytes);
}

/** Bytes with no declared charset (raw 8-bit headers): UTF-8 if valid, ISO-2022-JP if it has its escapes, else latin1. */
export function decodeUnlabelled(bytes: Buffer): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    // 7-bit ISO-2022-JP is valid UTF-8 too; its escape sequences give it away.
    if (text.includes('\x1b$B') || text.includes('\x1b$@') || text.includes('\x1b(J')) {
      return new TextDecoder('iso-2022-jp').decode(bytes);
    }
    return text;
  } catch {
    return bytes.toString('latin1');
  }
}

/**
 * Quoted-printable (RFC 2045 6.7) to bytes: `=XX` escapes, soft line breaks (`=` at a line's end,
 * transport padding after it allowed), and whitespace at the end of a line dropped (rule 3: it was
 * added in transport). Malformed escapes are kept as they are. `header` is the Q encoding of
 * encoded-words (RFC 2047 4.2: `_` is a space, no line structure).
 */
export function decodeQuotedPrintable(text: string, header = false): Buffer {
  const out = Buffer.alloc(text.length);
  let length = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    const newline = header ? -1 : text.indexOf('\n', lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    const breakStart = newline > lineStart && text.charCodeAt(newline - 1) === 0x0d ? newline - 1 : lineEnd;
    let end = breakStart;
    if (!header) while (end > lineStart && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
    const soft = !header && end > lineStart && text[end - 1] === '=';
    if (soft) end--;
    for (let i = lineStart; i < end; i++) {
      const char = text.charCodeAt(i);
      if (char === 0x3d && i + 2 < end) {
        const hex = text.slice(i + 1, i + 3);
        if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
          out[length++] = Number.parseInt(hex, 16);
          i += 2;
          continue;
        }
      }
      out[length++] = header && char === 0x5f ? 0x20 : char & 0xff;
    }
    if (newline === -1) break;
    // A hard line break stays as it was written (CRLF in stored mail).
    if (!soft) for (let i = breakStart; i <= newline; i++) out[length++] = text.charCodeAt(i);
    lineStart = newline + 1;
  }
  return out.subarray(0, length);
}

const encodedWord = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decodes a raw (latin1) header value: RFC 2047 encoded-words, with whitespace between adjacent
 * words dropped and the bytes of adjacent words in one charset joined before decoding (a
 * multi-byte character may be split across two words); the text around them as unlabelled bytes.
 */
export function decodeHeaderValue(raw: string): string {
  let out = '';
  let last = 0;
  let pendingCharset: string | null = null;
  let pendingBytes: Buffer[] = [];
  const flush = (): void => {
    if (pendingCharset !== null) out += decodeCharset(Buffer.concat(pendingBytes), pendingCharset);
    pendingCharset = null;
    pendingBytes = [];
  };
  for (const match of raw.matchAll(encodedWord)) {
    const between = raw.slice(last, match.index);
    const charset = match[1]!.split('*')[0]!.toLowerCase();
    const bytes =
      match[2]!.toUpperCase() === 'B'
        ? Buffer.from(match[3]!, 'base64')
        : decodeQuotedPrintable(match[3]!, true);
    // Whitespace between two encoded-words is not part of the text (RFC 2047 6.2).
    if (pendingCharset === null || !/^[ \t\r\n]*$/.test(between)) {
      flush();
      out += decodeUnlabelled(Buffer.from(between, 'latin1'));
    }
    // ISO-2022 words are self-contained (RFC 1468) and its decoder refuses back-to-back escapes.
    if (pendingCharset !== charset || charset.startsWith('iso-2022')) flush();
    pendingCharset = charset;
    pendingBytes.push(bytes);
    last = (match.index ?? 0) + match[0].length;
  }
  flush();
  out += decodeUnlabelled(Buffer.from(raw.slice(last), 'latin1'));
  return out;
}

/** Text folded for case-insensitive substring matching (full-width forms and case unified). */
export function searchFold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
