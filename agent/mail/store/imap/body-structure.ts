/**
 * FETCH BODY and BODYSTRUCTURE (RFC 3501 7.4.2) from a parsed MIME tree: types, parameters,
 * encodings, sizes in bytes, line counts, encapsulated messages with their envelopes, and for
 * BODYSTRUCTURE the extension data (MD5, disposition, language, location).
 */

import { imapListOrNil, imapString } from '../../protocol/imap/imap-string.js';
import { parseStructuredValue } from './content-params.js';
import { formatEnvelope } from './envelope.js';
import { headerValue } from './message-headers.js';
import type { MimePart } from './mime-tree.js';

/**
 * Lines in a body: its line breaks. A last line without a break (the CRLF before a boundary belongs
 * to the boundary) is not counted, as Dovecot and Cyrus count.
 */
export function countLines(message: Buffer, start: number, end: number): number {
  let lines = 0;
  let at = message.indexOf(0x0a, start);
  while (at !== -1 && at < end) {
    lines++;
    at = message.indexOf(0x0a, at + 1);
  }
  return lines;
}

function paramList(params: ReadonlyArray<readonly [string, string]>): string {
  return imapListOrNil(params.map(([name, value]) => `${imapString(name)} ${imapString(value)}`));
}

function disposition(part: MimePart): string {
  const value = headerValue(part.fields, 'content-disposition');
  if (value === undefined) return 'NIL';
  const parsed = parseStructuredValue(value);
  if (parsed.value === '') return 'NIL';
  return `(${imapString(parsed.value)} ${paramList(parsed.params)})`;
}

function language(part: MimePart): string {
  const value = headerValue(part.fields, 'content-language');
  if (value === undefined) return 'NIL';
  const tags = value
    .replace(/\([^)]*\)/g, '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '');
  if (tags.length === 0) return 'NIL';
  return tags.length === 1 ? imapString(tags[0]) : `(${tags.map(imapString).join(' ')})`;
}

function optional(part: MimePart, key: string): string {
  const value = headerValue(part.fields, key);
  return imapString(value === undefined || value === '' ? undefined : value);
}

function extension(part: MimePart): string {
  return `${disposition(part)} ${language(part)} ${optional(part, 'content-location')}`;
}

/**
 * BODYSTRUCTURE (`extended`) or BODY of a part. `message` is the raw message the offsets refer to.
 * Iterative over multipart children would gain nothing: the tree depth is bounded by mime-tree.ts.
 */
export function formatBodyStructure(message: Buffer, part: MimePart, extended: boolean): string {
  if (part.type === 'multipart') {
    const children =
      part.children.length > 0
        ? part.children.map((child) => formatBodyStructure(message, child, extended)).join('')
        : // A multipart without parts (no boundary found) still needs one body (RFC 3501 body-type-mpart).
          '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 0 0)';
    const tail = extended ? ` ${paramList(part.params)} ${extension(part)}` : '';
    return `(${children} ${imapString(part.subtype)}${tail})`;
  }
  const encoding = headerValue(part.fields, 'content-transfer-encoding');
  const size = part.bodyEnd - part.bodyStart;
  const fields = [
    imapString(part.type),
    imapString(part.subtype),
    paramList(part.params),
    optional(part, 'content-id'),
    optional(part, 'content-description'),
    imapString(encoding && /^[\x21-\x7e]+$/.test(encoding) ? encoding : '7bit'),
    String(size),
  ];
  if (part.message) {
    fields.push(
      formatEnvelope(part.message.fields),
      formatBodyStructure(message, part.message, extended),
      String(countLines(message, part.bodyStart, part.bodyEnd)),
    );
  } else if (part.type === 'text') {
    fields.push(String(countLines(message, part.bodyStart, part.bodyEnd)));
  }
  if (extended) fields.push(optional(part, 'content-md5'), extension(part));
  return `(${fields.join(' ')})`;
}
