/**
 * Evaluates SEARCH criteria against one message: its summary (flags, size, dates, numbers) and,
 * only when a key needs it, its content, parsed and decoded once per message (encoded-words,
 * charsets such as ISO-2022-JP, base64 and quoted-printable), matched case-insensitively.
 */

import type { SequenceSet } from '../../protocol/imap/sequence-set.js';
import { parseAddressList } from './address-list.js';
import { type HeaderField, headerValue } from './message-headers.js';
import { bodyText, headerText } from './message-text.js';
import { type MimePart, parseMimeTree } from './mime-tree.js';
import type { SearchKey } from './search-query.js';
import { decodeHeaderValue, searchFold } from './text-decoding.js';

/** What SEARCH knows about one message without reading it. */
export interface SearchCandidate {
  seq: number;
  uid: number;
  flags: readonly string[];
  internalDate: Date;
  size: number;
  modseq: number;
  recent: boolean;
}

/** Mailbox-wide values that `*` and `$` stand for. */
export interface SearchScope {
  count: number;
  highestUid: number;
  /** UIDs saved by SEARCH RETURN (SAVE) (RFC 5182), for `$`. */
  saved?: ReadonlySet<number>;
}

/** Header fields holding address lists. */
const addressFields = new Set(['from', 'to', 'cc', 'bcc', 'sender', 'reply-to']);

const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** The day (days since the epoch) a Date header names, as written (time and zone disregarded, RFC 3501 6.4.4). */
export function sentDay(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /(\d{1,2})\s+([A-Za-z]{3})[a-z]*\s+(\d{2,4})/.exec(value);
  if (!match) return undefined;
  const month = months.indexOf(match[2]!.toLowerCase());
  if (month === -1) return undefined;
  let year = Number(match[3]);
  // Obsolete two- and three-digit years (RFC 5322 4.3).
  if (match[3]!.length === 2) year += year < 50 ? 2000 : 1900;
  else if (match[3]!.length === 3) year += 1900;
  return Math.floor(Date.UTC(year, month, Number(match[1])) / 86_400_000);
}

/** A message's content, parsed and decoded lazily, each piece at most once. */
export class SearchableMessage {
  private tree: MimePart | undefined;
  private decodedHeaders: Map<string, string[]> | undefined;
  private body: string | undefined;
  private headers: string | undefined;

  constructor(private readonly raw: Buffer) {}

  private root(): MimePart {
    this.tree ??= parseMimeTree(this.raw);
    return this.tree;
  }

  get fields(): readonly HeaderField[] {
    return this.root().fields;
  }

  /** Decoded, folded values of every field called `key` (only the fields asked about are decoded). */
  headerValues(key: string): string[] {
    this.decodedHeaders ??= new Map();
    let values = this.decodedHeaders.get(key);
    if (!values) {
      values = [];
      for (const field of this.fields)
        if (field.key === key) values.push(searchFold(decodeHeaderValue(field.value)));
      this.decodedHeaders.set(key, values);
    }
    return values;
  }

  /** `local@domain` of each address in fields called `key`, folded for matching. */
  addresses(key: string): string[] {
    const found: string[] = [];
    for (const field of this.fields) {
      if (field.key !== key) continue;
      for (const address of parseAddressList(field.value)) {
        if (address.mailbox !== undefined && address.host !== undefined)
          found.push(searchFold(`${address.mailbox}@${address.host}`));
      }
    }
    return found;
  }

  bodyText(): string {
    this.body ??= searchFold(bodyText(this.raw, this.root()));
    return this.body;
  }

  headerText(): string {
    this.headers ??= searchFold(headerText(this.fields));
    return this.headers;
  }

  sentDay(): number | undefined {
    return sentDay(headerValue(this.fields, 'date'));
  }
}

function inSet(set: SequenceSet, value: number, star: number): boolean {
  for (const [a, b] of set.ranges) {
    const x = a === '*' ? star : a;
    const y = b === '*' ? star : b;
    if (value >= Math.min(x, y) && value <= Math.max(x, y)) return true;
  }
  return false;
}

function hasFlag(flags: readonly string[], flag: string): boolean {
  const wanted = flag.toLowerCase();
  return flags.some((candidate) => candidate.toLowerCase() === wanted);
}

function compareDay(day: number, compare: 'before' | 'on' | 'since', target: number): boolean {
  if (compare === 'before') return day < target;
  if (compare === 'on') return day === target;
  return day >= target;
}

/**
 * Whether a message matches. `content` is required when `needsContent(key)`; without it content
 * keys do not match (the message could not be read).
 */
export function matchesSearch(
  key: SearchKey,
  message: SearchCandidate,
  scope: SearchScope,
  content: SearchableMessage | undefined,
): boolean {
  switch (key.op) {
    case 'all':
      return true;
    case 'flag':
      return hasFlag(message.flags, key.flag) === key.set;
    case 'recent':
      return message.recent === key.set;
    case 'new':
      return message.recent && !hasFlag(message.flags, '\\Seen');
    case 'sequence':
      if (key.set.saved) return scope.saved?.has(message.uid) ?? false;
      return inSet(key.set, message.seq, scope.count);
    case 'uid':
      if (key.set.saved) return scope.saved?.has(message.uid) ?? false;
      return inSet(key.set, message.uid, scope.highestUid);
    case 'size':
      return key.larger ? message.size > key.bytes : message.size < key.bytes;
    case 'modseq':
      return message.modseq >= key.modseq;
    case 'date': {
      const internal = Math.floor(message.internalDate.getTime() / 86_400_000);
      // A message without a readable Date header counts as sent at the epoch, as Dovecot does.
      const day = key.sent ? (content?.sentDay() ?? 0) : internal;
      return compareDay(day, key.compare, key.day);
    }
    case 'header': {
      if (!content) return false;
      const needle = searchFold(key.text);
      const values = content.headerValues(key.field);
      // HEADER field "" matches every message that has the field (RFC 3501 6.4.4).
      if (values.some((value) => value.includes(needle))) return true;
      // Addresses also match as `local@domain` with comments and spacing taken out (as Dovecot).
      return addressFields.has(key.field) && content.addresses(key.field).some((a) => a.includes(needle));
    }
    case 'body':
      return content ? content.bodyText().includes(searchFold(key.text)) : false;
    case 'text': {
      if (!content) return false;
      const needle = searchFold(key.text);
      return content.headerText().includes(needle) || content.bodyText().includes(needle);
    }
    case 'not':
      return !matchesSearch(key.key, message, scope, content);
    case 'or':
      return (
        matchesSearch(key.left, message, scope, content) || matchesSearch(key.right, message, scope, content)
      );
    case 'and':
      return key.keys.every((inner) => matchesSearch(inner, message, scope, content));
  }
}
