/**
 * Header blocks of a message or MIME part, read as latin1 strings so every byte maps to one char
 * and raw bytes (8-bit, ISO-2022-JP escapes, encoded-words) pass through untouched.
 */

/** One header field as it appears in the message. */
export interface HeaderField {
  /** Lower-cased field name. */
  key: string;
  /** The whole field: name, colon, value, folded lines and the final CRLF. */
  raw: string;
  /** The value unfolded (CRLF before whitespace removed) and trimmed. */
  value: string;
}

/** Where a header block ends: the offset just past the empty line (or `end` if there is none). */
export function findHeaderEnd(message: Buffer, start: number, end: number): number {
  if (start >= end) return end;
  // A part may start directly with its empty line (no header fields at all).
  if (message[start] === 0x0a) return start + 1;
  if (message[start] === 0x0d && message[start + 1] === 0x0a) return Math.min(start + 2, end);
  let at = start;
  for (;;) {
    const newline = message.indexOf(0x0a, at);
    if (newline === -1 || newline >= end) return end;
    const next = message[newline + 1];
    if (next === 0x0a && newline + 2 <= end) return newline + 2;
    if (next === 0x0d && message[newline + 2] === 0x0a && newline + 3 <= end) return newline + 3;
    at = newline + 1;
  }
}

/** Removes folding: a line break followed by whitespace becomes that whitespace. */
export function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, '').replace(/\r?\n$/, '');
}

/** Splits a header block (latin1) into fields; lines that are not fields (no colon) are skipped. */
export function parseHeaderFields(block: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = block.split(/(?<=\n)/);
  let current: string | null = null;
  const flush = (): void => {
    if (current === null) return;
    const colon = current.indexOf(':');
    if (colon > 0) {
      const name = current.slice(0, colon);
      if (/^[\x21-\x39\x3b-\x7e]+[ \t]*$/.test(name)) {
        fields.push({
          key: name.trimEnd().toLowerCase(),
          raw: current,
          value: unfold(current.slice(colon + 1)).trim(),
        });
      }
    }
    current = null;
  };
  for (const line of lines) {
    if (line === '\r\n' || line === '\n') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && current !== null) {
      current += line;
      continue;
    }
    flush();
    current = line;
  }
  flush();
  return fields;
}

/** The value of the first field called `key` (lower case), or undefined. */
export function headerValue(fields: readonly HeaderField[], key: string): string | undefined {
  for (const field of fields) if (field.key === key) return field.value;
  return undefined;
}

/**
 * The fields named in `names` (or all others, with `exclude`), as raw text followed by the empty
 * line: the answer to BODY[HEADER.FIELDS (...)] (RFC 3501 6.4.5).
 */
export function selectHeaderFields(
  fields: readonly HeaderField[],
  names: readonly string[],
  exclude: boolean,
): string {
  const wanted = new Set(names.map((name) => name.toLowerCase()));
  let out = '';
  for (const field of fields) {
    if (wanted.has(field.key) !== exclude) out += field.raw.endsWith('\n') ? field.raw : `${field.raw}\r\n`;
  }
  return `${out}\r\n`;
}
