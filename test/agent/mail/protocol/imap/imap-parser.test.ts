import { describe, expect, it } from 'vitest';
import {
  ImapCommandReader,
  type ImapReaderEvent,
} from '../../../../../agent/mail/protocol/imap/imap-command-reader.js';
import {
  ImapParseError,
  type ImapToken,
  parseCommand,
} from '../../../../../agent/mail/protocol/imap/imap-parser.js';

const limits = {
  maxLineBytes: 1000,
  maxLiteralBytes: 100,
  maxAppendBytes: 10_000,
  maxCommandBytes: 5000,
  maxLiterals: 4,
  maxDiscardBytes: 2000,
};
const parserLimits = { maxDepth: 16, maxTokens: 500 };

function drain(reader: ImapCommandReader): ImapReaderEvent[] {
  const events: ImapReaderEvent[] = [];
  for (let event = reader.next(); event; event = reader.next()) events.push(event);
  return events;
}

function parse(text: string): ReturnType<typeof parseCommand> {
  const reader = new ImapCommandReader({ ...limits, maxLineBytes: 100_000 });
  reader.push(Buffer.from(text));
  const events = drain(reader).filter((event) => event.kind === 'command');
  expect(events).toHaveLength(1);
  const [command] = events;
  if (command?.kind !== 'command') throw new Error('no command');
  return parseCommand(command.lines, command.literals, parserLimits);
}

function parseError(text: string): ImapParseError {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ImapParseError);
    return error as ImapParseError;
  }
  throw new Error(`parsed: ${JSON.stringify(text)}`);
}

const str = (value: string): ImapToken => ({ type: 'string', value: Buffer.from(value), literal: false });
const atom = (value: string): ImapToken => ({ type: 'atom', value });

describe('command reader', () => {
  it('frames pipelined commands, also when they arrive one byte at a time', () => {
    const input = 'a1 NOOP\r\na2 LOGIN {4}\r\nuser {4+}\r\npass\r\na3 CAPABILITY\n';
    const whole = new ImapCommandReader(limits);
    whole.push(Buffer.from(input));
    const events = drain(whole);
    expect(events.map((event) => event.kind)).toEqual(['command', 'continue', 'command', 'command']);
    const login = events[2];
    expect(login?.kind === 'command' && login.literals.map(String)).toEqual(['user', 'pass']);

    const bytewise = new ImapCommandReader(limits);
    const kinds: string[] = [];
    for (const byte of Buffer.from(input)) {
      bytewise.push(Buffer.from([byte]));
      for (const event of drain(bytewise)) kinds.push(event.kind);
    }
    expect(kinds).toEqual(['command', 'continue', 'command', 'command']);
  });

  it('reads input that arrives while the previous command, which ended its chunk, is still running', () => {
    // The session takes a command and runs it; the client's next command arrives before the session
    // asks for more (pipelining, or an APPEND's LITERAL+ message in its own segment).
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from('a1 APPEND INBOX {5+}\r\n'));
    expect(reader.next()).toBeNull();
    reader.push(Buffer.from('hello\r\n'));
    const append = reader.next();
    expect(append?.kind === 'command' && append.literals.map(String)).toEqual(['hello']);
    reader.push(Buffer.from('a2 NOOP and some more words\r\n'));
    const noop = reader.next();
    expect(noop?.kind === 'command' && noop.lines.map(String)).toEqual(['a2 NOOP and some more words']);
  });

  it('refuses a 4 GB synchronising literal before buffering it, and carries on', () => {
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from('big APPEND INBOX {4294967296}\r\nnext NOOP\r\n'));
    const events = drain(reader);
    expect(events[0]).toMatchObject({ kind: 'refused', tag: 'big', code: 'TOOBIG', close: false });
    expect(events[1]).toMatchObject({ kind: 'command' });
    expect(events).toHaveLength(2);
  });

  it('hangs up on a 4 GB non-synchronising literal, which cannot be skipped in reasonable time', () => {
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from('big APPEND INBOX {4294967296+}\r\nxxxx'));
    expect(drain(reader)).toEqual([expect.objectContaining({ kind: 'refused', tag: 'big', close: true })]);
  });

  it('drops a small refused non-synchronising literal so its bytes never run as commands', () => {
    const reader = new ImapCommandReader(limits);
    const payload = `${'x'.repeat(150)}\r\nevil LOGOUT\r\n`;
    reader.push(Buffer.from(`a1 LOGIN user {${payload.length}+}\r\n${payload} {3+}\r\nabc\r\na2 NOOP\r\n`));
    const events = drain(reader);
    expect(events[0]).toMatchObject({ kind: 'refused', tag: 'a1', code: 'TOOBIG', close: false });
    expect(events).toHaveLength(2);
    const next = events[1];
    expect(next?.kind === 'command' && next.lines[0]?.toString()).toBe('a2 NOOP');
  });

  it('refuses too many literals in one command', () => {
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from('a1 X {1+}\r\na {1+}\r\nb {1+}\r\nc {1+}\r\nd {1}\r\n'));
    expect(drain(reader).at(-1)).toMatchObject({ kind: 'refused', code: 'LIMIT', tag: 'a1' });
  });

  it('refuses an overlong line, drops it, and reads the next command', () => {
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from(`a1 NOOP ${'y'.repeat(1500)}`));
    expect(drain(reader)).toEqual([expect.objectContaining({ kind: 'refused', tag: 'a1', close: false })]);
    expect(reader.bufferedBytes).toBe(0);
    reader.push(Buffer.from(`${'y'.repeat(500)}\r\na2 NOOP\r\n`));
    const events = drain(reader);
    expect(events).toHaveLength(1);
    expect(events[0]?.kind === 'command' && events[0].lines[0]?.toString()).toBe('a2 NOOP');
  });

  it('hangs up on a line that never ends', () => {
    const reader = new ImapCommandReader(limits);
    const events: ImapReaderEvent[] = [];
    for (let i = 0; i < 10; i++) {
      reader.push(Buffer.alloc(600, 0x41));
      events.push(...drain(reader));
    }
    expect(events.map((event) => event.kind === 'refused' && event.close)).toEqual([false, true]);
  });

  it('joins a long line that arrives one byte at a time', () => {
    const reader = new ImapCommandReader({ ...limits, maxLineBytes: 64 * 1024 });
    const line = `a1 SEARCH TEXT "${'q'.repeat(50_000)}"\r\n`;
    const events: ImapReaderEvent[] = [];
    for (let i = 0; i < line.length; i++) {
      reader.push(Buffer.from(line[i]!));
      events.push(...drain(reader));
    }
    expect(events).toHaveLength(1);
    expect(events[0]?.kind === 'command' && events[0].lines[0]?.length).toBe(line.length - 2);
    expect(reader.bufferedBytes).toBe(0);
  });

  it('reads raw lines in line mode (IDLE DONE, AUTHENTICATE)', () => {
    const reader = new ImapCommandReader(limits);
    reader.push(Buffer.from('DONE\r\na1 NOOP\r\n'));
    expect(reader.next('line')).toEqual({ kind: 'line', text: Buffer.from('DONE') });
    expect(reader.next()).toMatchObject({ kind: 'command' });
  });
});

describe('command parser', () => {
  it('parses atoms, quoted strings, literals and lists', () => {
    expect(parse('a1 LOGIN "ta\\"ro" {5}\r\npa ss\r\n')).toEqual({
      tag: 'a1',
      name: 'LOGIN',
      args: [str('ta"ro'), { type: 'string', value: Buffer.from('pa ss'), literal: true }],
    });
    expect(parse('x store 1:* +FLAGS.SILENT (\\Seen $Label1)\r\n')).toEqual({
      tag: 'x',
      name: 'STORE',
      args: [atom('1:*'), atom('+FLAGS.SILENT'), { type: 'list', items: [atom('\\Seen'), atom('$Label1')] }],
    });
    expect(parse('t LIST "" %\r\n').args).toEqual([str(''), atom('%')]);
    expect(parse('t1 CAPABILITY\r\n')).toEqual({ tag: 't1', name: 'CAPABILITY', args: [] });
  });

  it('parses fetch sections with header lists and partials', () => {
    const command = parse(
      'f UID FETCH 1:* (UID BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<0.2048> BODY[])\r\n',
    );
    expect(command.args[2]).toEqual({
      type: 'list',
      items: [
        atom('UID'),
        {
          type: 'section',
          name: 'BODY.PEEK',
          section: [atom('1.2.HEADER.FIELDS'), { type: 'list', items: [atom('From'), str('To')] }],
          partial: { offset: 0, length: 2048 },
        },
        { type: 'section', name: 'BODY', section: [] },
      ],
    });
  });

  it('keeps "]" in astrings outside sections', () => {
    expect(parse('s SELECT foo]bar\r\n').args).toEqual([atom('foo]bar')]);
  });

  it('refuses malformed commands with the tag and a reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['a1 FETCH 1 (FLAGS\r\n', /missing "\)"/],
      ['a1 FETCH 1 FLAGS)\r\n', /Unbalanced/],
      ['a1 SEARCH ((ALL)\r\n', /Unbalanced/],
      [`a1 SEARCH ${'('.repeat(10_000)}ALL${')'.repeat(10_000)}\r\n`, /nested deeper than 16/],
      ['a1 LOGIN  user pass\r\n', /Double space/],
      ['a1 LOGIN user pass \r\n', /Trailing space/],
      ['a1 LOGIN "us\\er" pass\r\n', /Invalid escape/],
      ['a1 LOGIN "user pass\r\n', /Unterminated quoted/],
      ['a1 LOGIN us\u0000er pass\r\n', /NUL|Unexpected character/],
      ['a1 SELECT caf\u00e9\r\n', /8-bit/],
      ['a1 FETCH 1 BODY[]<5>\r\n', /partial/],
      ['a1 FETCH 1 BODY[]<0.0>\r\n', /partial/],
      ['a1 FETCH 1 ( FLAGS)\r\n', /Space after opening/],
      ['a1 X ~{3}\r\nabc\r\n', /literal8/],
      ['a1 X {3}x\r\n', /Unexpected|Invalid literal/],
    ];
    for (const [text, reason] of cases) {
      const error = parseError(text);
      expect(error.message, text).toMatch(reason);
      expect(error.tag, text).toBe('a1');
    }
  });

  it('refuses lines without a usable tag or command', () => {
    expect(parseError('\r\n').tag).toBeNull();
    expect(parseError('a+b NOOP\r\n').message).toMatch(/Invalid tag/);
    expect(parseError('a1\r\n').message).toMatch(/Missing command/);
    expect(parseError('a1 N@OP\r\n').message).toMatch(/Invalid command name/);
  });

  it('bounds the number of tokens', () => {
    expect(parseError(`a1 X ${'a '.repeat(600)}b\r\n`).message).toMatch(/tokens/);
  });
});
