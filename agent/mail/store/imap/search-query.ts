/**
 * SEARCH criteria (RFC 3501 6.4.4) parsed from command tokens into a tree. Strict: unknown keys,
 * missing arguments, bad dates and bad numbers are errors in words; nesting of NOT/OR/() is bounded.
 */
import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import {
  looksLikeSequenceSet,
  parseSequenceSet,
  type SequenceSet,
  SequenceSetError,
} from '../../protocol/imap/sequence-set.js';

/** Header search keys that match on a header field's decoded value. */
export type SearchKey =
  | { op: 'all' }
  | { op: 'flag'; flag: string; set: boolean }
  | { op: 'recent'; set: boolean }
  | { op: 'new' }
  | { op: 'sequence'; set: SequenceSet }
  | { op: 'uid'; set: SequenceSet }
  | { op: 'header'; field: string; text: string }
  | { op: 'body'; text: string }
  | { op: 'text'; text: string }
  | { op: 'date'; sent: boolean; compare: 'before' | 'on' | 'since'; day: number }
  | { op: 'size'; larger: boolean; bytes: number }
  /** RFC 7162 MODSEQ: changed at or after the mod-sequence (the per-flag entry form is read and ignored). */
  | { op: 'modseq'; modseq: number }
  | { op: 'not'; key: SearchKey }
  | { op: 'or'; left: SearchKey; right: SearchKey }
  | { op: 'and'; keys: SearchKey[] };

/** A search that cannot run: `badCharset` is answered `NO [BADCHARSET (UTF-8 US-ASCII)]`, the rest `BAD`. */
export class SearchQueryError extends Error {
  override readonly name = 'SearchQueryError';
  constructor(
    message: string,
    readonly badCharset = false,
  ) {
    super(message);
  }
}

const maxDepth = 64;
/** Most keys in one SEARCH: each is evaluated for every message, so a flood of keys is a CPU flood. */
const maxKeys = 1000;
const months = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Day number (days since 1970-01-01) of an IMAP `date` (`1-Feb-1994`), or undefined if invalid. */
export function parseImapDate(text: string): number | undefined {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!match) return undefined;
  const day = Number(match[1]);
  const month = months.indexOf(match[2]!.toLowerCase());
  const year = Number(match[3]);
  if (month === -1) return undefined;
  const time = Date.UTC(year, month, day);
  const check = new Date(time);
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month) return undefined;
  return Math.floor(time / 86_400_000);
}

const flagKeys: Record<string, [string, boolean]> = {
  ANSWERED: ['\\Answered', true],
  DELETED: ['\\Deleted', true],
  DRAFT: ['\\Draft', true],
  FLAGGED: ['\\Flagged', true],
  SEEN: ['\\Seen', true],
  UNANSWERED: ['\\Answered', false],
  UNDELETED: ['\\Deleted', false],
  UNDRAFT: ['\\Draft', false],
  UNFLAGGED: ['\\Flagged', false],
  UNSEEN: ['\\Seen', false],
};
const headerKeys: Record<string, string> = {
  FROM: 'from',
  TO: 'to',
  CC: 'cc',
  BCC: 'bcc',
  SUBJECT: 'subject',
};
const dateKeys: Record<string, [boolean, 'before' | 'on' | 'since']> = {
  BEFORE: [false, 'before'],
  ON: [false, 'on'],
  SINCE: [false, 'since'],
  SENTBEFORE: [true, 'before'],
  SENTON: [true, 'on'],
  SENTSINCE: [true, 'since'],
};

class QueryReader {
  private index = 0;
  /** Keys parsed so far, shared with nested readers. */
  keys: { count: number } = { count: 0 };
  constructor(
    private readonly tokens: readonly ImapToken[],
    /** The CHARSET of string arguments (UTF-8 unless the client named another). */
    readonly decoder: InstanceType<typeof TextDecoder>,
  ) {}

  done(): boolean {
    return this.index >= this.tokens.length;
  }

  take(what: string): ImapToken {
    const token = this.tokens[this.index++];
    if (!token) throw new SearchQueryError(`missing ${what}`);
    return token;
  }

  /** An astring argument decoded in the search's charset. */
  text(what: string): string {
    const token = this.take(what);
    if (token.type === 'atom') return token.value;
    if (token.type === 'string') return this.decoder.decode(token.value);
    throw new SearchQueryError(`${what} must be a string`);
  }

  /** The next token when it is an atom, without taking it. */
  peekAtom(): string | undefined {
    const token = this.tokens[this.index];
    return token?.type === 'atom' ? token.value : undefined;
  }

  atom(what: string): string {
    const token = this.take(what);
    if (token.type === 'atom') return token.value;
    if (token.type === 'string' && !token.literal) return token.value.toString('latin1');
    throw new SearchQueryError(`${what} must be an atom`);
  }
}

function parseKey(reader: QueryReader, depth: number): SearchKey {
  if (depth > maxDepth) throw new SearchQueryError(`search criteria nested deeper than ${maxDepth}`);
  if (++reader.keys.count > maxKeys) throw new SearchQueryError(`more than ${maxKeys} search keys`);
  const token = reader.take('search key');
  if (token.type === 'list') {
    if (token.items.length === 0) throw new SearchQueryError('empty parenthesised search key');
    const inner = new QueryReader(token.items, reader.decoder);
    inner.keys = reader.keys;
    const keys: SearchKey[] = [];
    while (!inner.done()) keys.push(parseKey(inner, depth + 1));
    return keys.length === 1 ? keys[0]! : { op: 'and', keys };
  }
  if (token.type !== 'atom') throw new SearchQueryError('search key expected, got a string');
  const name = token.value.toUpperCase();
  // SEARCHRES (RFC 5182): `$` is the saved result, the same messages as a UID set would name.
  if (token.value === '$') return { op: 'uid', set: sequenceSet('$') };
  if (looksLikeSequenceSet(token.value)) return { op: 'sequence', set: sequenceSet(token.value) };
  const flag = flagKeys[name];
  if (flag) return { op: 'flag', flag: flag[0], set: flag[1] };
  const header = headerKeys[name];
  if (header) return { op: 'header', field: header, text: reader.text(`${name} string`) };
  const date = dateKeys[name];
  if (date) {
    const text = reader.atom(`${name} date`);
    const day = parseImapDate(text);
    if (day === undefined)
      throw new SearchQueryError(`invalid date "${text.slice(0, 40)}" (expected e.g. 1-Feb-2026)`);
    return { op: 'date', sent: date[0], compare: date[1], day };
  }
  switch (name) {
    case 'ALL':
      return { op: 'all' };
    case 'NEW':
      return { op: 'new' };
    case 'OLD':
      return { op: 'recent', set: false };
    case 'RECENT':
      return { op: 'recent', set: true };
    case 'KEYWORD':
    case 'UNKEYWORD': {
      const keyword = reader.atom('keyword');
      if (!/^[^\\\s()*%"\]{]+$/.test(keyword))
        throw new SearchQueryError(`invalid keyword "${keyword.slice(0, 40)}"`);
      return { op: 'flag', flag: keyword, set: name === 'KEYWORD' };
    }
    case 'BODY':
      return { op: 'body', text: reader.text('BODY string') };
    case 'TEXT':
      return { op: 'text', text: reader.text('TEXT string') };
    case 'HEADER': {
      const field = reader.text('header field name');
      if (!/^[\x21-\x39\x3b-\x7e]+$/.test(field)) throw new SearchQueryError('invalid header field name');
      return { op: 'header', field: field.toLowerCase(), text: reader.text('HEADER string') };
    }
    case 'LARGER':
    case 'SMALLER': {
      const number = reader.atom(`${name} size`);
      if (!/^\d{1,10}$/.test(number) || Number(number) > 0xffffffff)
        throw new SearchQueryError(`invalid size "${number.slice(0, 20)}"`);
      return { op: 'size', larger: name === 'LARGER', bytes: Number(number) };
    }
    case 'UID':
      return { op: 'uid', set: sequenceSet(reader.atom('UID set')) };
    case 'MODSEQ':
      return parseModseqKey(reader);
    case 'NOT':
      return { op: 'not', key: parseKey(reader, depth + 1) };
    case 'OR':
      return { op: 'or', left: parseKey(reader, depth + 1), right: parseKey(reader, depth + 1) };
    default:
      throw new SearchQueryError(`unknown search key ${name.slice(0, 40)}`);
  }
}

/** MODSEQ ["entry-name" entry-type] value (RFC 7162 3.1.5). */
function parseModseqKey(reader: QueryReader): SearchKey {
  if (reader.peekAtom() === undefined) {
    reader.text('MODSEQ entry name');
    const type = reader.atom('MODSEQ entry type').toLowerCase();
    if (!['priv', 'shared', 'all'].includes(type))
      throw new SearchQueryError('MODSEQ entry type must be priv, shared or all');
  }
  const text = reader.atom('MODSEQ value');
  if (!/^\d{1,19}$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new SearchQueryError(`invalid mod-sequence "${text.slice(0, 20)}"`);
  return { op: 'modseq', modseq: Number(text) };
}

/** True when the key uses MODSEQ (SEARCH then answers with the highest mod-sequence found). */
export function usesModseq(key: SearchKey): boolean {
  switch (key.op) {
    case 'modseq':
      return true;
    case 'not':
      return usesModseq(key.key);
    case 'or':
      return usesModseq(key.left) || usesModseq(key.right);
    case 'and':
      return key.keys.some(usesModseq);
    default:
      return false;
  }
}

function sequenceSet(text: string): SequenceSet {
  try {
    return parseSequenceSet(text);
  } catch (error) {
    if (error instanceof SequenceSetError) throw new SearchQueryError(error.message);
    throw error;
  }
}

/** Parses SEARCH arguments (with an optional leading `CHARSET name`). */
export function parseSearchQuery(args: readonly ImapToken[]): SearchKey {
  let rest = args;
  let decoder = new TextDecoder('utf-8');
  const first = args[0];
  if (first?.type === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    const charset = args[1];
    const name =
      charset?.type === 'atom'
        ? charset.value
        : charset?.type === 'string'
          ? charset.value.toString('latin1')
          : '';
    try {
      // Any charset Node's ICU decodes: UTF-8, ISO-2022-JP, Shift_JIS, EUC-JP, ISO-8859-*...
      decoder = new TextDecoder(name);
    } catch {
      throw new SearchQueryError(`charset ${name.slice(0, 40) || '(none)'} is not supported`, true);
    }
    rest = args.slice(2);
  }
  if (rest.length === 0) throw new SearchQueryError('missing search criteria');
  const reader = new QueryReader(rest, decoder);
  const keys: SearchKey[] = [];
  while (!reader.done()) keys.push(parseKey(reader, 0));
  return keys.length === 1 ? keys[0]! : { op: 'and', keys };
}
/** Whether evaluating the key needs the message's body (BODY, TEXT), not only its header. */
export function needsBody(key: SearchKey): boolean {
  switch (key.op) {
    case 'body':
    case 'text':
      return true;
    case 'not':
      return needsBody(key.key);
    case 'or':
      return needsBody(key.left) || needsBody(key.right);
    case 'and':
      return key.keys.some(needsBody);
    default:
      return false;
  }
}

/** Whether evaluating the key needs the message's content (header or body), not just its summary. */
export function needsContent(key: SearchKey): boolean {
  switch (key.op) {
    case 'header':
    case 'body':
    case 'text':
      return true;
    case 'date':
      return key.sent;
    case 'not':
      return needsContent(key.key);
    case 'or':
      return needsContent(key.left) || needsContent(key.right);
    case 'and':
      return key.keys.some(needsContent);
    default:
      return false;
  }
}
