/**
 * FETCH attributes (RFC 3501 6.4.5, BINARY RFC 3516) parsed from tokens, with what they need from
 * the message.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { parseSection, type SectionSpec, sectionName } from './body-section.js';
import { bad } from './imap-errors.js';

/** Attributes answered from the message summary or the cached structure. */
export type SimpleFetchItem =
  | 'FLAGS'
  | 'UID'
  | 'INTERNALDATE'
  | 'RFC822.SIZE'
  | 'ENVELOPE'
  | 'BODY'
  | 'BODYSTRUCTURE'
  | 'MODSEQ';

/** One requested attribute. */
export type FetchItem =
  | { kind: SimpleFetchItem }
  | {
      kind: 'section';
      /** How the response names it (`BODY[1.MIME]<0>`, `RFC822.HEADER`). */
      label: string;
      spec: SectionSpec;
      partial?: { offset: number; length: number };
      /** Marks the message \Seen (BODY[...] and RFC822, RFC822.TEXT; not PEEK, not RFC822.HEADER). */
      setsSeen: boolean;
    }
  | {
      /** BINARY[part]<partial> (content decoded) or BINARY.SIZE[part] (its size). */
      kind: 'binary' | 'binary-size';
      /** `BINARY[1.2]<0>`, `BINARY.SIZE[1.2]`. */
      label: string;
      /** Part numbers; empty for the whole message. */
      path: number[];
      partial?: { offset: number; length: number };
      /** BINARY[] (not PEEK) marks the message \Seen. */
      setsSeen: boolean;
    };

/** A parsed FETCH. */
export interface FetchRequest {
  items: FetchItem[];
  /** Some item needs the raw message (a section). */
  needsRaw: boolean;
  /** Some item needs the parsed structure (ENVELOPE, BODY, BODYSTRUCTURE). */
  needsStructure: boolean;
  setsSeen: boolean;
}

const simple = new Set<string>([
  'FLAGS',
  'UID',
  'INTERNALDATE',
  'RFC822.SIZE',
  'ENVELOPE',
  'BODY',
  'BODYSTRUCTURE',
  'MODSEQ',
]);
const macros: Record<string, SimpleFetchItem[]> = {
  ALL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE'],
  FAST: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE'],
  FULL: ['FLAGS', 'INTERNALDATE', 'RFC822.SIZE', 'ENVELOPE', 'BODY'],
};

function parseBinaryItem(token: ImapToken & { type: 'section' }): FetchItem {
  const spec = parseSection(token.section);
  // section-binary is part numbers only (RFC 3516 4.2).
  if (spec.kind !== '') throw bad(`${token.name}[] takes part numbers only, not ${spec.kind}`);
  const part = spec.path.join('.');
  if (token.name === 'BINARY.SIZE') {
    if (token.partial) throw bad('BINARY.SIZE takes no partial range');
    return { kind: 'binary-size', label: `BINARY.SIZE[${part}]`, path: spec.path, setsSeen: false };
  }
  const item: FetchItem = {
    kind: 'binary',
    label: `BINARY[${part}]${token.partial ? `<${token.partial.offset}>` : ''}`,
    path: spec.path,
    setsSeen: token.name === 'BINARY',
  };
  if (token.partial) item.partial = token.partial;
  return item;
}

function parseItem(token: ImapToken): FetchItem {
  if (token.type === 'section') {
    if (token.name.startsWith('BINARY')) return parseBinaryItem(token);
    const spec = parseSection(token.section);
    const item: FetchItem = {
      kind: 'section',
      label: `BODY[${sectionName(spec)}]${token.partial ? `<${token.partial.offset}>` : ''}`,
      spec,
      setsSeen: token.name === 'BODY',
    };
    if (token.partial) item.partial = token.partial;
    return item;
  }
  if (token.type !== 'atom') throw bad('Invalid FETCH attribute');
  const name = token.value.toUpperCase();
  if (simple.has(name)) return { kind: name as SimpleFetchItem };
  if (name === 'RFC822')
    return { kind: 'section', label: 'RFC822', spec: { path: [], kind: '', fields: [] }, setsSeen: true };
  if (name === 'RFC822.HEADER') {
    return {
      kind: 'section',
      label: 'RFC822.HEADER',
      spec: { path: [], kind: 'HEADER', fields: [] },
      setsSeen: false,
    };
  }
  if (name === 'RFC822.TEXT') {
    return {
      kind: 'section',
      label: 'RFC822.TEXT',
      spec: { path: [], kind: 'TEXT', fields: [] },
      setsSeen: true,
    };
  }
  throw bad(`Unknown FETCH attribute ${name.slice(0, 40)}`);
}

/** Parses the attribute argument of FETCH (a macro, one attribute, or a list); UID FETCH always returns UID. */
export function parseFetchRequest(token: ImapToken | undefined, uid: boolean): FetchRequest {
  if (!token) throw bad('FETCH needs attributes');
  let items: FetchItem[];
  const macro = token.type === 'atom' ? macros[token.value.toUpperCase()] : undefined;
  if (macro) {
    items = macro.map((kind) => ({ kind }));
  } else if (token.type === 'list') {
    if (token.items.length === 0) throw bad('FETCH needs at least one attribute');
    items = token.items.map(parseItem);
  } else {
    items = [parseItem(token)];
  }
  const unique: FetchItem[] = [];
  for (const item of items) {
    const simpleItem = item.kind !== 'section' && item.kind !== 'binary' && item.kind !== 'binary-size';
    if (simpleItem && unique.some((other) => other.kind === item.kind)) continue;
    unique.push(item);
  }
  if (uid && !unique.some((item) => item.kind === 'UID')) unique.unshift({ kind: 'UID' });
  return {
    items: unique,
    needsRaw: unique.some(
      (item) => item.kind === 'section' || item.kind === 'binary' || item.kind === 'binary-size',
    ),
    needsStructure: unique.some(
      (item) => item.kind === 'ENVELOPE' || item.kind === 'BODY' || item.kind === 'BODYSTRUCTURE',
    ),
    setsSeen: unique.some((item) => (item.kind === 'section' || item.kind === 'binary') && item.setsSeen),
  };
}
