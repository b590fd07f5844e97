/**
 * Structured MIME header values: `Content-Type: text/plain; charset="utf-8"`, and
 * `Content-Disposition: attachment; filename*0*=utf-8''%E6...` with RFC 2231 continuations joined.
 * Works on latin1 strings so 8-bit parameter values keep their bytes.
 */

/** A parsed `value; name=value...` header. */
export interface StructuredValue {
  /** The main value, lower case (`text/plain`, `attachment`), or '' if there is none. */
  value: string;
  /** Parameters in order, names lower case, continuations joined. */
  params: Array<[string, string]>;
}

/** Drops RFC 5322 comments outside quoted strings (nesting bounded by the string itself). */
function stripComments(text: string): string {
  let out = '';
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      out += char;
      if (char === '\\' && i + 1 < text.length) out += text[++i];
      else if (char === '"') quoted = false;
    } else if (depth > 0) {
      if (char === '\\') i++;
      else if (char === '(') depth++;
      else if (char === ')') depth--;
    } else if (char === '(') {
      depth = 1;
    } else {
      if (char === '"') quoted = true;
      out += char;
    }
  }
  return out;
}

/** Splits on `;` outside quoted strings. */
function splitParams(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '\\' && i + 1 < text.length) {
      current += char + text[++i];
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ';' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    return trimmed.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return trimmed;
}

/** Parses a structured header value; never throws (bad input gives an empty value and what parsed). */
export function parseStructuredValue(header: string | undefined): StructuredValue {
  if (header === undefined) return { value: '', params: [] };
  const [main = '', ...rest] = splitParams(stripComments(header));
  const plain: Array<[string, string]> = [];
  // name -> continuation index -> [value, extended]
  const continued = new Map<string, Map<number, [string, boolean]>>();
  for (const part of rest) {
    const equals = part.indexOf('=');
    if (equals === -1) continue;
    const name = part.slice(0, equals).trim().toLowerCase();
    const value = unquote(part.slice(equals + 1));
    if (name === '') continue;
    const match = /^(.+?)\*(\d{1,3})(\*?)$/.exec(name);
    if (match) {
      const base = match[1]!;
      let pieces = continued.get(base);
      if (!pieces) {
        pieces = new Map();
        continued.set(base, pieces);
        plain.push([base, '']);
      }
      pieces.set(Number(match[2]), [value, match[3] === '*']);
      continue;
    }
    plain.push([name, value]);
  }
  const params: Array<[string, string]> = [];
  for (const [name, value] of plain) {
    const pieces = continued.get(name);
    if (!pieces) {
      params.push([name, value]);
      continue;
    }
    let joined = '';
    let extended = false;
    for (let i = 0; pieces.has(i); i++) {
      const [piece, isExtended] = pieces.get(i)!;
      if (i === 0) extended = isExtended;
      // A plain piece inside an extended value must be percent-encoded to stay one value.
      joined +=
        extended && !isExtended
          ? piece.replace(
              /[%\s*'()<>@,;:\\"/[\]?=\x80-\xff]/g,
              (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
            )
          : piece;
    }
    params.push([extended ? `${name}*` : name, joined]);
  }
  return { value: main.trim().toLowerCase(), params };
}

/** The value of a parameter (lower-case name), or undefined. */
export function paramValue(
  params: ReadonlyArray<readonly [string, string]>,
  name: string,
): string | undefined {
  for (const [key, value] of params) if (key === name) return value;
  return undefined;
}
