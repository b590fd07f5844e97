/**
 * Fuzzing the IMAP input path for a bounded time: the framer and tokenizer (and the argument
 * parsers behind them) with random and mutated commands, then a live session. Nothing may throw
 * unexpectedly, hang, or leave a line unanswered; the server keeps serving others.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapCommandReader } from '../../../../../agent/mail/protocol/imap/imap-command-reader.js';
import {
  ImapParseError,
  type ImapToken,
  parseCommand,
} from '../../../../../agent/mail/protocol/imap/imap-parser.js';
import { parseSequenceSet, SequenceSetError } from '../../../../../agent/mail/protocol/imap/sequence-set.js';
import { parseFetchRequest } from '../../../../../agent/mail/store/imap/fetch-items.js';
import { ImapCommandError } from '../../../../../agent/mail/store/imap/imap-errors.js';
import { MailboxNameError, mailboxFromWire } from '../../../../../agent/mail/store/imap/mailbox-name.js';
import { messageStructure } from '../../../../../agent/mail/store/imap/message-structure-cache.js';
import { parseSearchQuery, SearchQueryError } from '../../../../../agent/mail/store/imap/search-query.js';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { mixedMessage } from './support/mime-samples.js';
import { RawImapClient } from './support/raw-imap-client.js';

/** Small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const corpus = [
  'a1 FETCH 1:* (UID FLAGS BODY.PEEK[1.2.HEADER.FIELDS (From "To")]<0.2048> BODYSTRUCTURE ENVELOPE)',
  'a2 UID FETCH 1,3:5,*:2 (BODY[] RFC822.SIZE INTERNALDATE BODY[3.MIME] BODY[TEXT]<5.10>)',
  'a3 SEARCH CHARSET UTF-8 OR (FROM "taro" SUBJECT {6+}\r\n会議) NOT (SINCE 1-Feb-2026 LARGER 100) UID 1:*',
  'a4 STORE 1:2 +FLAGS.SILENT (\\Seen $Label \\Deleted)',
  'a5 LIST (SUBSCRIBED RECURSIVEMATCH) "" ("INBOX" "&eBR6dluk-.%") RETURN (CHILDREN STATUS (MESSAGES UNSEEN))',
  'a6 APPEND INBOX (\\Flagged) " 3-Nov-2026 09:15:00 +0900" {27+}\r\nSubject: fuzz\r\n\r\nbody\r\n',
  'a7 UID MOVE 1:* "&eBR6dluk-"',
  'a8 STATUS "INBOX" (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)',
  'a9 CREATE "fuzz.&ZeVnLIqe-"',
  'b1 SEARCH HEADER X-Mailer "" SENTBEFORE "1-Jan-2030" OR SEEN UNKEYWORD $Junk',
  'b2 UID SEARCH NOT NOT NOT (((ALL)))',
  'b3 GETQUOTAROOT INBOX',
  'b4 ID ("name" "fuzz" "version" NIL)',
  'b5 UID EXPUNGE 1:3',
  'b6 COPY 1 Trash',
  'b7 ENABLE CONDSTORE',
  'b8 NAMESPACE',
  'b9 EXAMINE INBOX',
  'c1 SELECT INBOX',
  'c2 RENAME "fuzz.&ZeVnLIqe-" "fuzz2"',
  'c3 LSUB "" "*"',
  'c4 CHECK',
  'c5 IDLE',
  'c6 AUTHENTICATE PLAIN',
  'c7 STARTTLS',
  'c8 LOGIN a b',
  'c9 UNSELECT',
  'd1 LOGOUT',
  'd2 UID SORT RETURN (MIN MAX ALL COUNT) (REVERSE DATE SUBJECT DISPLAYFROM) UTF-8 OR FROM a TO b',
  'd3 THREAD REFERENCES UTF-8 (SINCE 1-Jan-2026 NOT DELETED)',
  'd4 UID THREAD ORDEREDSUBJECT US-ASCII ALL',
  'd5 SEARCH RETURN (SAVE MIN COUNT) UNSEEN',
  'd6 UID FETCH $ (UID FLAGS)',
  'd7 FETCH 1:* (BINARY.SIZE[1] BINARY.PEEK[2.1]<3.40> BINARY[])',
  'd9 APPEND INBOX (\\Seen) CATENATE (URL "/INBOX;UIDVALIDITY=1/;UID=1/;SECTION=1.MIME" TEXT {6+}\r\nhello!) {4+}\r\nX: y',
  'e1 APPEND Trash CATENATE (URL "imap://a@b/INBOX/;UID=*/;PARTIAL=0.10" URL "/%ZZ/;UID=1")',
  'd8 APPEND INBOX ~{30+}\r\nContent-Type: a/b\r\n\r\n\u0000\u0001body\r\n',
];
const specials = [
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  '<',
  '>',
  '"',
  '\\',
  '*',
  '%',
  ' ',
  '\u0000',
  '\r',
  '\n',
  '+',
  '~',
  '&',
  '-',
  '.',
  '\u00ff',
  '\u001b',
];

function mutate(rand: () => number, input: string): string {
  let text = input;
  const steps = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < steps; i++) {
    const at = Math.floor(rand() * (text.length + 1));
    const kind = Math.floor(rand() * 7);
    if (kind === 0)
      text = text.slice(0, at) + specials[Math.floor(rand() * specials.length)] + text.slice(at);
    else if (kind === 1) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 8));
    else if (kind === 2)
      text = text.slice(0, at) + String.fromCharCode(Math.floor(rand() * 256)) + text.slice(at + 1);
    else if (kind === 3) text = text.slice(0, at) + text.slice(Math.max(0, at - 10), at) + text.slice(at);
    else if (kind === 4) text = text.slice(0, at);
    else if (kind === 5) text = text.slice(0, at) + '('.repeat(Math.floor(rand() * 80)) + text.slice(at);
    else text = text.slice(0, at) + corpus[Math.floor(rand() * corpus.length)]!.slice(3) + text.slice(at);
  }
  return text;
}

function randomLine(rand: () => number): string {
  const length = Math.floor(rand() * 120);
  let text = '';
  for (let i = 0; i < length; i++) {
    text +=
      rand() < 0.3
        ? specials[Math.floor(rand() * specials.length)]
        : String.fromCharCode(32 + Math.floor(rand() * 95));
  }
  return text;
}

/**
 * The bytes a well-framed client would send: every line ending in a literal marker is followed by
 * exactly that many bytes (when the server would wait for them), so the sentinel after the fuzzed
 * input is read as a command and not swallowed as literal data.
 */
function withLiteralData(input: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  for (;;) {
    const newline = input.indexOf(0x0a, start);
    const end = newline === -1 ? input.length : newline;
    const raw = input.subarray(start, end);
    const line = raw.at(-1) === 0x0d ? raw.subarray(0, -1) : raw;
    pieces.push(line);
    const marker = /\{(\d{1,20})\+?\}\r?$/.exec(line.toString('latin1'));
    if (marker && Number(marker[1]) <= 70_000) {
      pieces.push(Buffer.from('\r\n'), Buffer.alloc(Number(marker[1]), 0x78));
      if (newline === -1) break;
    } else if (newline !== -1) {
      pieces.push(Buffer.from('\r\n'));
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  return Buffer.concat(pieces);
}

const expectedErrors = [
  ImapParseError,
  ImapCommandError,
  SearchQueryError,
  SequenceSetError,
  MailboxNameError,
];

function exercise(args: ImapToken[]): void {
  const attempt = (work: () => unknown): void => {
    try {
      work();
    } catch (error) {
      if (!expectedErrors.some((type) => error instanceof type)) throw error;
    }
  };
  attempt(() => parseSearchQuery(args));
  attempt(() => parseFetchRequest(args[1], true));
  for (const token of args) {
    if (token.type === 'atom') attempt(() => parseSequenceSet(token.value));
    if (token.type === 'string' || token.type === 'atom') {
      const text = token.type === 'atom' ? token.value : token.value.toString('latin1');
      attempt(() => mailboxFromWire(text));
    }
  }
}

describe('IMAP fuzz', () => {
  let imap: ImapTestServer;
  const internalErrors: string[] = [];

  beforeAll(async () => {
    imap = await startImapTestServer({
      limits: { maxLineBytes: 4096, maxLiteralBytes: 4096, maxAppendBytes: 65536, maxDiscardBytes: 65536 },
      log: {
        info() {},
        warn() {},
        error: (msg, fields) => internalErrors.push(`${msg} ${JSON.stringify(fields)}`),
      },
    });
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('framer, tokenizer and argument parsers survive random and mutated input', () => {
    const seed = Date.now() % 1_000_000;
    const rand = random(seed);
    const limits = {
      maxLineBytes: 512,
      maxLiteralBytes: 256,
      maxAppendBytes: 2048,
      maxCommandBytes: 4096,
      maxLiterals: 8,
      maxDiscardBytes: 4096,
    };
    const deadline = Date.now() + 3000;
    let commands = 0;
    let inputs = 0;
    while (Date.now() < deadline) {
      const reader = new ImapCommandReader(limits);
      const text = Array.from({ length: 1 + Math.floor(rand() * 5) }, () =>
        rand() < 0.7 ? mutate(rand, corpus[Math.floor(rand() * corpus.length)]!) : randomLine(rand),
      ).join('\r\n');
      const bytes = Buffer.from(`${text}\r\n`, 'latin1');
      inputs++;
      // Fed in random pieces, as a network would.
      for (let at = 0; at < bytes.length; ) {
        const size = 1 + Math.floor(rand() * 64);
        reader.push(bytes.subarray(at, at + size));
        at += size;
        for (let event = reader.next(); event; event = reader.next()) {
          expect(reader.bufferedBytes, `seed ${seed}`).toBeLessThanOrEqual(bytes.length);
          if (event.kind !== 'command') continue;
          try {
            const command = parseCommand(event.lines, event.literals, { maxDepth: 16, maxTokens: 1000 });
            commands++;
            exercise(command.args);
          } catch (error) {
            if (!(error instanceof ImapParseError)) throw new Error(`seed ${seed}: ${String(error)}`);
          }
        }
      }
    }
    // Also the MIME side: mutated messages never make the structure code throw.
    for (let i = 0; i < 300; i++) {
      const message = Buffer.from(mutate(rand, mixedMessage.toString('latin1')), 'latin1');
      expect(() => messageStructure(message), `seed ${seed}`).not.toThrow();
    }
    expect(inputs).toBeGreaterThan(100);
    expect(commands).toBeGreaterThan(0);
  });

  it('a live session answers every fuzzed line (or closes cleanly) and keeps serving others', async () => {
    const seed = Date.now() % 1_000_000;
    const rand = random(seed);
    const bystander = await RawImapClient.connect(imap.server.port);
    await bystander.login('hanako@univ.example', testUsers['hanako@univ.example']!);
    const open = async (): Promise<RawImapClient> => {
      const client = await RawImapClient.connect(imap.server.port);
      await client.login('taro@univ.example', testUsers['taro@univ.example']!);
      await client.command(`APPEND INBOX {${mixedMessage.length}+}\r\n${mixedMessage.toString('latin1')}`);
      await client.command('SELECT INBOX');
      return client;
    };
    let client = await open();
    const deadline = Date.now() + 4000;
    let sent = 0;
    let reconnects = 0;
    while (Date.now() < deadline) {
      const line =
        rand() < 0.8 ? mutate(rand, corpus[Math.floor(rand() * corpus.length)]!) : randomLine(rand);
      const input = withLiteralData(Buffer.from(line, 'latin1'));
      const sentinel = `z${sent++}`;
      client.send(Buffer.concat([input, Buffer.from(`\r\n${sentinel} NOOP\r\n`)]));
      let answered = false;
      try {
        for (;;) {
          const response = await client.readLine(10_000);
          if (response.startsWith('+') && !response.startsWith('+ Ready for literal data')) {
            // IDLE or AUTHENTICATE waiting for the client: end it, then ask again.
            client.send(`*\r\n${sentinel} NOOP\r\n`);
            continue;
          }
          if (response.startsWith(`${sentinel} `)) {
            expect(response, `seed ${seed}: ${JSON.stringify(line)}`).toMatch(/^z\d+ (OK|BAD|NO) /);
            answered = true;
            break;
          }
        }
      } catch (error) {
        // Only a clean close is acceptable: the server said BYE or closed (LOGOUT, a refused huge literal).
        if (!client.closed)
          throw new Error(`seed ${seed}: no answer to ${JSON.stringify(line)}: ${String(error)}`);
      }
      if (!answered) {
        client.close();
        client = await open();
        reconnects++;
      }
    }
    client.close();
    expect(sent).toBeGreaterThan(50);
    expect((await bystander.command('NOOP')).tagged).toBe('OK NOOP completed');
    bystander.close();
    expect(internalErrors, `seed ${seed}`).toEqual([]);
    console.info(`fuzzed ${sent} lines in a live session, ${reconnects} reconnects (seed ${seed})`);
  });
});
