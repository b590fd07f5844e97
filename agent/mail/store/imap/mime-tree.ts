/**
 * The MIME structure of a raw message as byte ranges, so FETCH can answer BODY[1.2.MIME] with the
 * exact bytes and BODYSTRUCTURE can count sizes and lines. Bounded: nesting deeper than
 * {@link maxMimeDepth} or more than {@link maxMimeParts} parts are treated as opaque leaves, so a
 * hostile message costs one linear pass.
 */
import { paramValue, parseStructuredValue } from './content-params.js';
import { findHeaderEnd, type HeaderField, headerValue, parseHeaderFields } from './message-headers.js';

/** Deepest multipart/message nesting parsed. */
export const maxMimeDepth = 32;
/** Most parts parsed in one message. */
export const maxMimeParts = 2000;

/** One MIME entity: its header and body as offsets into the raw message. */
export interface MimePart {
  headerStart: number;
  /** Start of the body (just past the empty line ending the header). */
  bodyStart: number;
  bodyEnd: number;
  fields: HeaderField[];
  /** Lower case, defaults applied (`text`, `plain`). */
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  /** multipart/*: the parts. */
  children: MimePart[];
  /** message/rfc822 (and message/global): the encapsulated message. */
  message?: MimePart;
}

interface ParseBudget {
  parts: number;
}

function isLineStart(message: Buffer, at: number, start: number): boolean {
  return at === start || message[at - 1] === 0x0a;
}

/** Offsets of delimiter lines `--boundary` inside [start, end): where each starts and where its line ends. */
function findDelimiters(
  message: Buffer,
  start: number,
  end: number,
  boundary: string,
): Array<{ at: number; after: number; close: boolean }> {
  const marker = Buffer.from(`--${boundary}`, 'latin1');
  const found: Array<{ at: number; after: number; close: boolean }> = [];
  let from = start;
  for (;;) {
    const at = message.indexOf(marker, from);
    if (at === -1 || at + marker.length > end) return found;
    from = at + marker.length;
    if (!isLineStart(message, at, start)) continue;
    let cursor = at + marker.length;
    const close = message[cursor] === 0x2d && message[cursor + 1] === 0x2d;
    if (close) cursor += 2;
    // Only transport padding (whitespace) may follow the boundary on its line.
    while (cursor < end && (message[cursor] === 0x20 || message[cursor] === 0x09)) cursor++;
    if (cursor < end && message[cursor] !== 0x0d && message[cursor] !== 0x0a) continue;
    const newline = message.indexOf(0x0a, cursor);
    const after = newline === -1 || newline >= end ? end : newline + 1;
    found.push({ at, after, close });
    if (close) return found;
    from = after;
  }
}

/** The end of a part's body: the line break before a delimiter belongs to the delimiter (RFC 2046 5.1.1). */
function bodyEndBefore(message: Buffer, delimiterAt: number, start: number): number {
  let end = delimiterAt;
  if (end > start && message[end - 1] === 0x0a) end--;
  if (end > start && message[end - 1] === 0x0d) end--;
  return end;
}

function parseEntity(
  message: Buffer,
  start: number,
  end: number,
  defaultType: string,
  depth: number,
  budget: ParseBudget,
): MimePart {
  budget.parts++;
  const bodyStart = findHeaderEnd(message, start, end);
  const fields = parseHeaderFields(message.toString('latin1', start, bodyStart));
  const contentType = parseStructuredValue(headerValue(fields, 'content-type'));
  let [type = '', subtype = ''] = contentType.value.split('/', 2);
  let params = contentType.params;
  if (!/^[a-z0-9!#$&^_.+-]+$/.test(type) || !/^[a-z0-9!#$&^_.+-]+$/.test(subtype)) {
    [type = 'text', subtype = 'plain'] = defaultType.split('/');
    params = type === 'text' ? [['charset', 'us-ascii']] : [];
  }
  const part: MimePart = {
    headerStart: start,
    bodyStart,
    bodyEnd: end,
    fields,
    type,
    subtype,
    params,
    children: [],
  };
  const tooDeep = depth >= maxMimeDepth || budget.parts >= maxMimeParts;
  if (type === 'multipart') {
    const boundary = paramValue(params, 'boundary');
    if (!boundary || tooDeep) return part;
    const delimiters = findDelimiters(message, bodyStart, end, boundary);
    const childDefault = subtype === 'digest' ? 'message/rfc822' : 'text/plain';
    for (let i = 0; i < delimiters.length; i++) {
      const delimiter = delimiters[i]!;
      if (delimiter.close || budget.parts >= maxMimeParts) break;
      const next = delimiters[i + 1];
      const childEnd = next ? bodyEndBefore(message, next.at, delimiter.after) : end;
      part.children.push(parseEntity(message, delimiter.after, childEnd, childDefault, depth + 1, budget));
    }
  } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global')) {
    if (tooDeep) {
      // BODYSTRUCTURE must describe a message/rfc822 with its envelope; past the bound it is opaque data.
      part.type = 'application';
      part.subtype = 'octet-stream';
    } else {
      part.message = parseEntity(message, bodyStart, end, 'text/plain', depth + 1, budget);
    }
  }
  return part;
}

/** Parses a raw message into its MIME tree (never throws; malformed MIME degrades to leaves). */
export function parseMimeTree(message: Buffer): MimePart {
  return parseEntity(message, 0, message.length, 'text/plain', 0, { parts: 0 });
}

/**
 * The part a section number path names (`[1, 2]` for `1.2`), or undefined. Follows RFC 3501 6.4.5:
 * a non-multipart message has one part, `1`, its body; parts of an encapsulated message
 * (message/rfc822) are numbered inside it.
 */
export function findPart(root: MimePart, path: readonly number[]): MimePart | undefined {
  let current = root;
  let isMessage = true;
  for (const number of path) {
    const container = isMessage ? current : current.message;
    const parent = container ?? current;
    if (parent.type === 'multipart') {
      const child = parent.children[number - 1];
      if (!child) return undefined;
      current = child;
    } else if (container && number === 1) {
      current = container;
    } else {
      return undefined;
    }
    isMessage = false;
  }
  return current;
}
