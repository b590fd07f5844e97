/**
 * Hostile and broken input: each case gets a clear protocol error (or a clean close), and another
 * client is served all the while.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';

const limits = {
  maxLineBytes: 32 * 1024,
  maxLiteralBytes: 8 * 1024,
  maxAppendBytes: 1024 * 1024,
  maxDiscardBytes: 64 * 1024,
  maxFailedLogins: 3,
};

describe('IMAP bad input', () => {
  let imap: ImapTestServer;
  let bystander: RawImapClient;

  /** Another client, logged in before the test, still gets answers. */
  async function othersServed(): Promise<void> {
    const { tagged } = await bystander.command('NOOP');
    expect(tagged).toBe('OK NOOP completed');
    const fresh = await RawImapClient.connect(imap.server.port);
    await fresh.login('jiro@univ.example', testUsers['jiro@univ.example']!);
    expect((await fresh.command('SELECT INBOX')).tagged).toMatch(/^OK \[READ-WRITE\]/);
    fresh.close();
  }

  async function loggedIn(user = 'taro@univ.example'): Promise<RawImapClient> {
    const client = await RawImapClient.connect(imap.server.port);
    await client.login(user, testUsers[user]!);
    return client;
  }

  beforeAll(async () => {
    imap = await startImapTestServer({ limits });
    bystander = await loggedIn('hanako@univ.example');
    await bystander.command('SELECT INBOX');
  });

  afterAll(async () => {
    bystander.close();
    await imap.stop();
  });

  it('refuses a 4 GB synchronising literal before any byte, and the connection stays usable', async () => {
    const client = await loggedIn();
    client.send('a1 APPEND INBOX {4294967296}\r\n');
    expect(await client.readLine()).toBe(
      'a1 NO [TOOBIG] Message of 4294967296 bytes is larger than the limit of 1048576',
    );
    client.send('a2 LOGIN x {4294967296}\r\n');
    expect(await client.readLine()).toMatch(/^a2 BAD \[TOOBIG\] Literal of 4294967296 bytes/);
    expect((await client.command('NOOP')).tagged).toBe('OK NOOP completed');
    await othersServed();
    client.close();
  });

  it('closes cleanly on a 4 GB non-synchronising literal, which cannot be skipped', async () => {
    const client = await loggedIn();
    client.send('a1 APPEND INBOX {4294967296+}\r\nFrom: x\r\n');
    expect(await client.readLine()).toMatch(/^a1 BAD \[TOOBIG\]/);
    expect(await client.readLine()).toMatch(/^\* BYE /);
    await client.waitClosed();
    await othersServed();
  });

  it('drops a small oversized non-synchronising literal without running what it contains', async () => {
    const client = await loggedIn();
    const payload = `${'x'.repeat(9000)}\r\nevil1 LOGOUT\r\n`;
    client.send(`a1 LOGIN {${payload.length}+}\r\n${payload} pass\r\na2 NOOP\r\n`);
    expect(await client.readLine()).toBe(
      `a1 BAD [TOOBIG] Literal of ${payload.length} bytes is larger than the limit of 8192`,
    );
    expect(await client.readLine()).toBe('a2 OK NOOP completed');
    expect(client.closed).toBe(false);
    client.close();
  });

  it('answers unbalanced parentheses and 10,000-deep nesting with BAD', async () => {
    const client = await loggedIn();
    await client.command('SELECT INBOX');
    expect((await client.command('SEARCH (ALL')).tagged).toBe('BAD Unbalanced parentheses: missing ")"');
    expect((await client.command('SEARCH ALL))')).tagged).toMatch(/^BAD Unbalanced parentheses/);
    expect((await client.command('FETCH 1 (FLAGS')).tagged).toMatch(/^BAD Unbalanced/);
    // 20,000 bytes: within the line limit, so the tokenizer's depth bound answers (without recursion).
    const deep = `SEARCH ${'('.repeat(10_000)}ALL${')'.repeat(10_000)}`;
    expect((await client.command(deep)).tagged).toBe('BAD Parentheses nested deeper than 32');
    const nested = `SEARCH ${'('.repeat(1000)}ALL${')'.repeat(1000)}`;
    expect((await client.command(nested)).tagged).toBe('BAD Parentheses nested deeper than 32');
    expect((await client.command('SEARCH NOT NOT NOT NOT ALL')).tagged).toBe('OK SEARCH completed');
    await othersServed();
    client.close();
  });

  it('refuses an overlong line and reads on; hangs up on a line that never ends', async () => {
    const client = await loggedIn();
    client.send(`a1 NOOP ${'y'.repeat(40_000)}\r\na2 NOOP\r\n`);
    expect(await client.readLine()).toBe('a1 BAD [TOOBIG] Line is longer than 32768 bytes');
    expect(await client.readLine()).toBe('a2 OK NOOP completed');
    client.send('a3 NOOP ');
    for (let i = 0; i < 20; i++) client.send('z'.repeat(10_000));
    expect(await client.readLine()).toBe('a3 BAD [TOOBIG] Line is longer than 32768 bytes');
    expect(await client.readLine()).toBe('* BAD [TOOBIG] Line too long and never ended');
    expect(await client.readLine()).toMatch(/^\* BYE /);
    await client.waitClosed();
    await othersServed();
  });

  it('refuses invalid modified UTF-7 and dangerous mailbox names with NO [CANNOT] and a reason', async () => {
    const client = await loggedIn();
    const cases: Array<[string, RegExp]> = [
      [
        'CREATE &Jjo',
        /^NO \[CANNOT\] mailbox name is not valid modified UTF-7: "&" at 0 starts a base64 run that never ends/,
      ],
      [
        'SELECT &ZeV-',
        /^NO \[CANNOT\] mailbox name is not valid modified UTF-7: base64 run at 0 does not end on a UTF-16 boundary/,
      ],
      ['CREATE &AGE-', /^NO \[CANNOT\] .*printable ASCII encoded in base64/],
      ['CREATE a..b', /^NO \[CANNOT\] mailbox name has an empty hierarchy level/],
      ['CREATE ../../etc', /^NO \[CANNOT\] mailbox name may not contain "\/"/],
      ['CREATE ..', /^NO \[CANNOT\] mailbox name may not start with "\."/],
      ['CREATE a/b', /^NO \[CANNOT\] mailbox name may not contain "\/"/],
      ['CREATE .hidden', /^NO \[CANNOT\] mailbox name may not start with "\."/],
      ['CREATE "a&AAc-b"', /^NO \[CANNOT\] mailbox name contains control character 0x7/],
      ['RENAME INBOX "x&AAA-y"', /^NO \[CANNOT\] mailbox name contains a NUL character/],
      ['APPEND "&AB8-" {1}', /^NO \[CANNOT\] mailbox name contains control character 0x1f/],
    ];
    for (const [command, expected] of cases) {
      if (command.endsWith('{1}')) {
        client.send(`x1 ${command}\r\n`);
        expect(await client.readLine()).toBe('+ Ready for literal data');
        client.send('y\r\n');
        expect((await client.readUntilTagged('x1')).at(-1)?.slice(3), command).toMatch(expected);
        continue;
      }
      expect((await client.command(command)).tagged, command).toMatch(expected);
    }
    // A raw NUL inside a literal is not modified UTF-7; inside a quoted string the parser refuses it.
    client.send('n1 CREATE {3}\r\n');
    expect(await client.readLine()).toBe('+ Ready for literal data');
    client.send('a\u0000b\r\n');
    expect(await client.readLine()).toBe(
      'n1 NO [CANNOT] mailbox name is not valid modified UTF-7: character 0x0 at 1 must be base64-encoded',
    );
    client.send('n2 CREATE "a\u0000b"\r\n');
    expect(await client.readLine()).toBe('n2 BAD NUL character in quoted string');
    // 8-bit names sent raw are not modified UTF-7.
    client.send(Buffer.concat([Buffer.from('n3 CREATE "'), Buffer.from('研究室'), Buffer.from('"\r\n')]));
    expect(await client.readLine()).toMatch(
      /^n3 NO \[CANNOT\] mailbox name is not valid modified UTF-7: character 0xe7/,
    );
    expect((await client.command('LIST "" *')).untagged.join('\n')).not.toMatch(/hidden|etc|a\.\.b/);
    await othersServed();
    client.close();
  });

  it('refuses AUTHENTICATE with invalid base64, malformed PLAIN, other mechanisms and cancellation', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    expect((await client.command('AUTHENTICATE PLAIN @@@@')).tagged).toBe(
      'BAD Invalid base64 in authentication response',
    );
    expect((await client.command('AUTHENTICATE PLAIN AGE')).tagged).toBe(
      'BAD Invalid base64 in authentication response',
    );
    client.send('a1 AUTHENTICATE PLAIN\r\n');
    expect(await client.readLine()).toBe('+ ');
    client.send('not base64!\r\n');
    expect(await client.readLine()).toBe('a1 BAD Invalid base64 in authentication response');
    client.send('a2 AUTHENTICATE PLAIN\r\n');
    expect(await client.readLine()).toBe('+ ');
    client.send('*\r\n');
    expect(await client.readLine()).toBe('a2 BAD Authentication cancelled');
    const noNul = Buffer.from('just-a-user').toString('base64');
    expect((await client.command(`AUTHENTICATE PLAIN ${noNul}`)).tagged).toMatch(
      /^BAD Malformed PLAIN response/,
    );
    const proxy = Buffer.from('admin\u0000taro@univ.example\u0000taro-secret').toString('base64');
    expect((await client.command(`AUTHENTICATE PLAIN ${proxy}`)).tagged).toMatch(
      /^NO \[AUTHORIZATIONFAILED\]/,
    );
    expect((await client.command('AUTHENTICATE CRAM-MD5')).tagged).toMatch(
      /^NO \[CANNOT\] Unsupported authentication mechanism/,
    );
    const good = Buffer.from('\u0000taro@univ.example\u0000taro-secret').toString('base64');
    expect((await client.command(`AUTHENTICATE PLAIN ${good}`)).tagged).toMatch(
      /^OK \[CAPABILITY IMAP4rev1 /,
    );
    await othersServed();
    client.close();
  });

  it('answers junk, wrong states, unknown commands and bad arguments with BAD in words', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    const cases: Array<[string, string | RegExp]> = [
      ['\r\n', '* BAD Empty command line'],
      ['+x NOOP\r\n', '* BAD Invalid tag'],
      ['a1\r\n', 'a1 BAD Missing command name'],
      ['a1 FROB\r\n', 'a1 BAD Unknown command FROB'],
      ['a1 SELECT INBOX\r\n', 'a1 BAD SELECT is not allowed before login'],
      [
        'a1 UID NOOP\r\n',
        'a1 BAD UID must be followed by FETCH, STORE, SEARCH, COPY, MOVE, EXPUNGE, SORT, THREAD',
      ],
      ['a1 LOGIN onlyuser\r\n', 'a1 BAD Missing arguments (expected 2)'],
      ['a1 NOOP \u00ff\r\n', 'a1 BAD 8-bit characters must be sent in a quoted string or literal'],
      ['a1 NOOP\u0000\r\n', /^\* BAD Invalid tag|^a1 BAD/],
      ['\u0016\u0003\u0001\u0000\u00a5\u0001\r\n', '* BAD Invalid tag'],
    ];
    for (const [input, expected] of cases) {
      client.send(Buffer.from(input, 'latin1'));
      const line = await client.readLine();
      if (typeof expected === 'string') expect(line, JSON.stringify(input)).toBe(expected);
      else expect(line, JSON.stringify(input)).toMatch(expected);
    }
    await client.login('taro@univ.example', 'taro-secret');
    const text = 'Subject: one\r\n\r\nbody\r\n';
    expect((await client.command(`APPEND INBOX {${text.length}+}\r\n${text}`)).tagged).toMatch(
      /^OK \[APPENDUID/,
    );
    expect((await client.command('FETCH 1 FLAGS')).tagged).toBe(
      'BAD FETCH is not allowed without a selected mailbox',
    );
    expect((await client.command('LOGIN a b')).tagged).toBe('BAD LOGIN is not allowed after login');
    expect((await client.command('STARTTLS')).tagged).toBe('BAD STARTTLS is not allowed after login');
    expect((await client.command('SELECT NoSuchFolder')).tagged).toMatch(
      /^NO \[NONEXISTENT\] no folder NoSuchFolder/,
    );
    await client.command('SELECT INBOX');
    const cases2: Array<[string, RegExp]> = [
      ['FETCH 0 FLAGS', /^BAD invalid number "0"/],
      ['FETCH 99999 FLAGS', /^BAD message sequence number 99999 does not exist/],
      ['FETCH 1:* FROBS', /^BAD Unknown FETCH attribute FROBS/],
      ['FETCH 1 BODY[1.FOO]', /^BAD Invalid section/],
      ['FETCH 1 BINARY[1.TEXT]', /^BAD BINARY\[\] takes part numbers only, not TEXT/],
      ['STORE 1 +FLAGS (\\Bogus)', /^BAD Invalid flag \\Bogus/],
      ['STORE 1 XFLAGS (\\Seen)', /^BAD Unknown STORE action XFLAGS/],
      ['SEARCH FROB', /^BAD unknown search key FROB/],
      ['SEARCH SINCE 31-Feb-2026', /^BAD invalid date "31-Feb-2026"/],
      [
        'SEARCH CHARSET ISO-8859-99 ALL',
        /^NO \[BADCHARSET \(UTF-8 US-ASCII ISO-2022-JP SHIFT_JIS EUC-JP\)\]/,
      ],
      ['UID FETCH 1:x FLAGS', /^BAD invalid number "x"/],
      ['COPY 1 NoSuchFolder', /^NO \[TRYCREATE\]/],
      ['STATUS INBOX (FROBS)', /^BAD Unknown STATUS item FROBS/],
      ['LIST "" "\u00e9"', /^BAD Mailbox pattern must be modified UTF-7/],
    ];
    for (const [command, expected] of cases2)
      expect((await client.command(command)).tagged, command).toMatch(expected);
    await othersServed();
    client.close();
  });
});
