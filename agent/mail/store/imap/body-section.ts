/**
 * FETCH body sections (RFC 3501 6.4.5): `BODY[1.2.HEADER.FIELDS (From)]<0.100>` parsed from
 * its token, resolved to bytes of the raw message, and named in the response.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { bad } from './imap-errors.js';
import { selectHeaderFields } from './message-headers.js';
import { findPart, type MimePart } from './mime-tree.js';

/** What part of the message a section names. */
export interface SectionSpec {
  /** Part numbers (`1.2` -> [1, 2]); empty for the whole message. */
  path: number[];
  kind: '' | 'HEADER' | 'HEADER.FIELDS' | 'HEADER.FIELDS.NOT' | 'TEXT' | 'MIME';
  /** Header field names as the client sent them (HEADER.FIELDS). */
  fields: string[];
}

/** Parses the tokens inside `[...]`. */
export function parseSection(tokens: readonly ImapToken[]): SectionSpec {
  if (tokens.length === 0) return { path: [], kind: '', fields: [] };
  const [first, second, ...rest] = tokens;
  if (first?.type !== 'atom' || rest.length > 0) throw bad('Invalid section');
  const parts = first.value.toUpperCase().split('.');
  const path: number[] = [];
  while (parts.length > 0 && /^[1-9][0-9]{0,8}$/.test(parts[0]!)) path.push(Number(parts.shift()));
  const kind = parts.join('.');
  if (
    kind !== '' &&
    kind !== 'HEADER' &&
    kind !== 'HEADER.FIELDS' &&
    kind !== 'HEADER.FIELDS.NOT' &&
    kind !== 'TEXT' &&
    kind !== 'MIME'
  ) {
    throw bad(`Invalid section "${first.value.slice(0, 40)}"`);
  }
  if (kind === 'MIME' && path.length === 0) throw bad('MIME needs a part number');
  if (path.length > 0 && /^0/.test(first.value)) throw bad('Invalid part number');
  const fields: string[] = [];
  if (kind === 'HEADER.FIELDS' || kind === 'HEADER.FIELDS.NOT') {
    if (second?.type !== 'list' || second.items.length === 0)
      throw bad(`${kind} needs a list of field names`);
    for (const item of second.items) {
      const name =
        item.type === 'atom' ? item.value : item.type === 'string' ? item.value.toString('latin1') : '';
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) throw bad('Invalid header field name');
      fields.push(name);
    }
  } else if (second !== undefined) {
    throw bad('Unexpected argument in section');
  }
  return { path, kind, fields };
}

/** The section as the response names it: `1.2.HEADER.FIELDS (From To)`. */
export function sectionName(spec: SectionSpec): string {
  const parts = [...spec.path.map(String), ...(spec.kind === '' ? [] : [spec.kind])].join('.');
  if (spec.kind === 'HEADER.FIELDS' || spec.kind === 'HEADER.FIELDS.NOT') {
    // Field names in upper case, as Dovecot answers; clients match them case-insensitively.
    const names = spec.fields.map((f) => f.toUpperCase());
    return `${parts} (${names.map((f) => (/^[A-Z0-9-]+$/.test(f) ? f : `"${f.replace(/["\\]/g, '\\$&')}"`)).join(' ')})`;
  }
  return parts;
}

/**
 * The bytes of a section, or undefined when the message has no such part (answered as an empty
 * string). HEADER/TEXT after a part number need a message/rfc822 part.
 */
export function sectionBytes(message: Buffer, root: MimePart, spec: SectionSpec): Buffer | undefined {
  let target: MimePart | undefined = root;
  if (spec.path.length > 0) {
    const part = findPart(root, spec.path);
    if (!part) return undefined;
    if (spec.kind === '') return message.subarray(part.bodyStart, part.bodyEnd);
    if (spec.kind === 'MIME') return message.subarray(part.headerStart, part.bodyStart);
    target = part.message;
    if (!target) return undefined;
  }
  switch (spec.kind) {
    case '':
      return message.subarray(target.headerStart, target.bodyEnd);
    case 'HEADER':
      return message.subarray(target.headerStart, target.bodyStart);
    case 'TEXT':
      return message.subarray(target.bodyStart, target.bodyEnd);
    case 'HEADER.FIELDS':
    case 'HEADER.FIELDS.NOT':
      return Buffer.from(
        selectHeaderFields(target.fields, spec.fields, spec.kind === 'HEADER.FIELDS.NOT'),
        'latin1',
      );
    default:
      return undefined;
  }
}
