/**
 * Tokenises one framed IMAP command (see imap-command-reader.ts) into a tag, a command name and
 * argument tokens. Strict: single spaces between tokens, quoted strings with only `\"` and `\\`
 * escapes, no NUL, nesting bounded by an explicit stack (never recursion), so hostile input costs
 * at most one pass over bytes the reader already bounded.
 */
import { literalAnnouncement } from './imap-command-reader.js';

/** One argument token. Commands check shapes and meanings; the tokenizer only checks syntax. */
export type ImapToken =
  /** An atom (also NIL, numbers, sequence sets, flags like `\Seen`, list patterns with `*`/`%`). */
  | { type: 'atom'; value: string }
  /** A quoted string or a literal, as bytes; `binary` for a literal8 (`~{n}`, RFC 3516), APPEND only. */
  | { type: 'string'; value: Buffer; literal: boolean; binary?: true }
  | { type: 'list'; items: ImapToken[] }
  /** A fetch attribute with a section: `BODY.PEEK[1.HEADER.FIELDS (From)]<0.100>`. */
  | { type: 'section'; name: string; section: ImapToken[]; partial?: { offset: number; length: number } };

/** A parsed command. */
export interface ImapCommand {
  tag: string;
  /** Upper case. */
  name: string;
  args: ImapToken[];
}

/** A command that does not parse: answered `tag BAD message` (or `* BAD` without a tag). */
export class ImapParseError extends Error {
  override readonly name = 'ImapParseError';
  constructor(
    readonly tag: string | null,
    message: string,
  ) {
    super(message);
  }
}

/** Limits of the tokenizer. */
export interface ImapParserLimits {
  /** Deepest nesting of lists and sections. */
  maxDepth: number;
  /** Tokens in one command, all levels. */
  maxTokens: number;
}

const sectionNames = new Set(['BODY', 'BODY.PEEK', 'BINARY', 'BINARY.PEEK', 'BINARY.SIZE']);

function isAtomChar(byte: number, inSection: boolean): boolean {
  if (byte <= 0x20 || byte >= 0x7f) return false;
  // ( ) { " are atom-specials; ] ends a section but is an ASTRING-CHAR elsewhere (RFC 3501 9).
  if (byte === 0x28 || byte === 0x29 || byte === 0x7b || byte === 0x22) return false;
  return !(inSection && byte === 0x5d);
}

interface Frame {
  items: ImapToken[];
  closer: 0x29 | 0x5d;
  /** For a section frame: the name and where its token goes. */
  sectionName?: string;
}

/**
 * Parses a framed command.
 * @throws ImapParseError with the tag when one was read.
 */
export function parseCommand(lines: Buffer[], literals: Buffer[], limits: ImapParserLimits): ImapCommand {
  const first = lines[0];
  if (!first || (lines.length === 1 && first.length === 0))
    throw new ImapParseError(null, 'Empty command line');
  let tagEnd = first.indexOf(0x20);
  if (tagEnd === -1) tagEnd = first.length;
  const tag = first.subarray(0, tagEnd).toString('latin1');
  for (let i = 0; i < tag.length; i++) {
    const code = tag.charCodeAt(i);
    if (!isAtomChar(code, false) || code === 0x2b || code === 0x25 || code === 0x2a || code === 0x5c) {
      throw new ImapParseError(null, 'Invalid tag');
    }
  }
  if (tag === '' || tag.length > 64) throw new ImapParseError(null, 'Invalid tag');
  if (tagEnd >= first.length - 1) throw new ImapParseError(tag, 'Missing command name');
  let nameEnd = first.indexOf(0x20, tagEnd + 1);
  if (nameEnd === -1) nameEnd = first.length;
  const name = first
    .subarray(tagEnd + 1, nameEnd)
    .toString('latin1')
    .toUpperCase();
  if (!/^[A-Z][A-Z0-9.-]{0,31}$/.test(name)) throw new ImapParseError(tag, 'Invalid command name');
  if (nameEnd === first.length && lines.length === 1) return { tag, name, args: [] };
  if (nameEnd === first.length - 1) throw new ImapParseError(tag, 'Trailing space after command name');
  if (first[nameEnd + 1] === 0x20) throw new ImapParseError(tag, 'Double space between arguments');
  try {
    // literal8 carries message data with NUL bytes: only APPEND takes it (RFC 3516 4.4).
    const args = tokenize(lines, literals, nameEnd + 1, limits, name === 'APPEND');
    return { tag, name, args };
  } catch (error) {
    if (error instanceof ImapParseError) throw new ImapParseError(tag, error.message);
    throw error;
  }
}

function fail(message: string): never {
  throw new ImapParseError(null, message);
}

function tokenize(
  lines: Buffer[],
  literals: Buffer[],
  start: number,
  limits: ImapParserLimits,
  allowLiteral8: boolean,
): ImapToken[] {
  const top: Frame = { items: [], closer: 0x29 };
  const stack: Frame[] = [top];
  let tokens = 0;
  let lineIndex = 0;
  let line = lines[0]!;
  let pos = start;
  // After a token: a space, a closer, or the end must follow; a space must be followed by a token.
  let needSeparator = false;

  const push = (token: ImapToken): void => {
    if (++tokens > limits.maxTokens) fail(`More than ${limits.maxTokens} tokens in one command`);
    stack[stack.length - 1]!.items.push(token);
    needSeparator = true;
  };

  for (;;) {
    const frame = stack[stack.length - 1]!;
    if (pos >= line.length) {
      if (lineIndex < lines.length - 1) fail('Literal marker expected at end of line');
      if (stack.length > 1) fail('Unbalanced parentheses: missing ")"');
      if (!needSeparator && top.items.length > 0) fail('Trailing space');
      return top.items;
    }
    const byte = line[pos]!;
    if (needSeparator) {
      if (byte === 0x20) {
        needSeparator = false;
        pos++;
        if (pos >= line.length) fail('Trailing space');
        const next = line[pos]!;
        if (next === 0x20) fail('Double space between arguments');
        if (next === 0x29 || next === 0x5d) fail('Space before closing parenthesis');
        continue;
      }
      if (byte !== frame.closer) {
        if (byte === 0) fail('NUL character in command');
        if (byte >= 0x80) fail('8-bit characters must be sent in a quoted string or literal');
        if (byte === 0x29 || byte === 0x5d) fail('Unbalanced parentheses: unexpected closer');
        fail('Space expected between arguments');
      }
    }
    if (byte === 0x29 || (byte === 0x5d && frame.closer === 0x5d)) {
      if (stack.length === 1 || byte !== frame.closer) fail('Unbalanced parentheses: unexpected ")"');
      stack.pop();
      pos++;
      if (frame.sectionName !== undefined) {
        const token: ImapToken = { type: 'section', name: frame.sectionName, section: frame.items };
        if (line[pos] === 0x3c) pos = readPartial(line, pos, token);
        push(token);
      } else {
        push({ type: 'list', items: frame.items });
      }
      continue;
    }
    if (byte === 0x28) {
      if (stack.length > limits.maxDepth) fail(`Parentheses nested deeper than ${limits.maxDepth}`);
      if (++tokens > limits.maxTokens) fail(`More than ${limits.maxTokens} tokens in one command`);
      stack.push({ items: [], closer: 0x29 });
      pos++;
      if (line[pos] === 0x20) fail('Space after opening parenthesis');
      continue;
    }
    if (byte === 0x22) {
      const [value, end] = readQuoted(line, pos);
      push({ type: 'string', value, literal: false });
      pos = end;
      continue;
    }
    if (byte === 0x7b || (byte === 0x7e && line[pos + 1] === 0x7b)) {
      const marker = line.subarray(pos);
      const announced =
        marker.length <= 26 && /^~?\{\d+\+?\}$/.test(marker.toString('latin1'))
          ? literalAnnouncement(marker)
          : null;
      if (!announced || lineIndex >= lines.length - 1) fail('Invalid literal marker');
      if (byte === 0x7e && !allowLiteral8) fail('literal8 (~{n}) is only allowed in APPEND');
      const literal = literals[lineIndex]!;
      if (literal.length !== announced.size) fail('Literal size mismatch');
      lineIndex++;
      line = lines[lineIndex]!;
      pos = 0;
      push(
        byte === 0x7e
          ? { type: 'string', value: literal, literal: true, binary: true }
          : { type: 'string', value: literal, literal: true },
      );
      continue;
    }
    const inSection = frame.sectionName !== undefined;
    let end = pos;
    while (end < line.length && isAtomChar(line[end]!, inSection)) {
      if (
        line[end] === 0x5b &&
        !inSection &&
        sectionNames.has(line.subarray(pos, end).toString('latin1').toUpperCase())
      )
        break;
      end++;
    }
    if (end === pos) {
      if (byte === 0) fail('NUL character in command');
      if (byte >= 0x80) fail('8-bit characters must be sent in a quoted string or literal');
      fail(`Unexpected character 0x${byte.toString(16)}`);
    }
    const value = line.subarray(pos, end).toString('latin1');
    if (line[end] === 0x5b && !inSection) {
      if (stack.length > limits.maxDepth) fail(`Parentheses nested deeper than ${limits.maxDepth}`);
      stack.push({ items: [], closer: 0x5d, sectionName: value.toUpperCase() });
      pos = end + 1;
      if (line[pos] === 0x20) fail('Space after "["');
      continue;
    }
    push({ type: 'atom', value });
    pos = end;
  }
}

function readQuoted(line: Buffer, start: number): [Buffer, number] {
  const bytes: number[] = [];
  let pos = start + 1;
  while (pos < line.length) {
    const byte = line[pos]!;
    if (byte === 0x22) return [Buffer.from(bytes), pos + 1];
    if (byte === 0) fail('NUL character in quoted string');
    if (byte === 0x5c) {
      const next = line[pos + 1];
      if (next !== 0x22 && next !== 0x5c)
        fail('Invalid escape in quoted string (only \\" and \\\\ are allowed)');
      bytes.push(next);
      pos += 2;
      continue;
    }
    bytes.push(byte);
    pos++;
  }
  fail('Unterminated quoted string');
}

function readPartial(line: Buffer, start: number, token: ImapToken & { type: 'section' }): number {
  const close = line.indexOf(0x3e, start);
  if (close === -1) fail('Unterminated partial "<"');
  const match = /^<(\d{1,10})\.(\d{1,10})>$/.exec(line.subarray(start, close + 1).toString('latin1'));
  if (!match) fail('Invalid partial: expected <offset.length>');
  const offset = Number(match[1]);
  const length = Number(match[2]);
  if (offset > 0xffffffff || length > 0xffffffff || length === 0) fail('Invalid partial range');
  token.partial = { offset, length };
  return close + 1;
}
