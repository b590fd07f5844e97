/**
 * MULTIAPPEND (RFC 3502) and CATENATE (RFC 4469) over raw protocol lines (no client here sends
 * them): several messages in one APPEND, all or none; messages put together from text and URLs of
 * the user's own messages; bad URLs, other users' mailboxes, missing targets and size limits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, loginAs, startImapTestServer } from './support/imap-test-server.js';

/** `{n+}` literal of a text (UTF-8 bytes counted). */
const literal = (text: string): string => `{${Buffer.byteLength(text)}+}\r\n${text}`;

describe('MULTIAPPEND and CATENATE', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer({ quotaBytes: 20_000, limits: { maxAppendBytes: 4096 } });
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('appends several messages at once with their own flags and dates, answering APPENDUID with a set', async () => {
    const client = await loginAs(imap.server.port, 'taro@univ.example');
    await client.command('CREATE Batch');
    await client.command('SELECT Batch');
    const { untagged, tagged } = await client.command(
      `APPEND Batch ${literal('Subject: one\r\n\r\n1\r\n')} (\\Seen) "01-Apr-2026 09:00:00 +0900" ${literal(
        'Subject: two\r\n\r\n2\r\n',
      )} (\\Flagged $Work) ${literal('Subject: 三\r\n\r\n3\r\n')}`,
    );
    expect(tagged).toMatch(/^OK \[APPENDUID \d+ 1:3\] APPEND completed$/);
    // $Work is new to the folder: announced in FLAGS before any FETCH shows it (RFC 3501 7.2.6).
    expect(untagged).toEqual([
      '* 3 EXISTS',
      '* 3 RECENT',
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Work)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Work \\*)] Flags permitted',
    ]);
    expect((await client.command('FETCH 1:3 (FLAGS INTERNALDATE)')).untagged).toEqual([
      expect.stringMatching(/^\* 1 FETCH \(FLAGS \(\\Recent\) INTERNALDATE/),
      '* 2 FETCH (FLAGS (\\Seen \\Recent) INTERNALDATE "01-Apr-2026 00:00:00 +0000")',
      expect.stringMatching(/^\* 3 FETCH \(FLAGS \(\\Flagged \$Work \\Recent\) INTERNALDATE/),
    ]);
    client.close();
  });

  it('stores none of the messages when one of them is refused', async () => {
    const client = await loginAs(imap.server.port, 'taro@univ.example');
    await client.command('CREATE Atomic');
    const before = (await client.command('STATUS Atomic (MESSAGES UIDNEXT)')).untagged;
    // The third message carries a NUL byte in a plain literal.
    const refused = await client.command(
      `APPEND Atomic ${literal('Subject: a\r\n\r\na\r\n')} ${literal('Subject: b\r\n\r\nb\r\n')} ${literal('X: \0\r\n\r\nx')}`,
    );
    expect(refused.tagged).toMatch(/^NO \[CANNOT\] Message contains NUL bytes/);
    // Together over APPENDLIMIT (4,096 bytes in this test; each alone fits). The quota is checked
    // for all messages together too (maildir-append-many.test.ts).
    const big = `Subject: big\r\n\r\n${'x'.repeat(3000)}\r\n`;
    const together = await client.command(`APPEND Atomic ${literal(big)} ${literal(big)}`);
    expect(together.tagged).toBe('NO [TOOBIG] Messages of one APPEND are together larger than the limit');
    expect((await client.command('STATUS Atomic (MESSAGES UIDNEXT)')).untagged).toEqual(before);
    client.close();
  });

  it('builds messages from text and URLs of messages the user has, and refuses bad URLs', async () => {
    const client = await loginAs(imap.server.port, 'hanako@univ.example');
    await client.command('CREATE "&eBR6dluk-"');
    const original = 'From: sensei@univ.example\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\n\r\nagenda\r\n';
    const appended = await client.command(`APPEND "&eBR6dluk-" ${literal(original)}`);
    const [, uidValidity, uid] = /APPENDUID (\d+) (\d+)/.exec(appended.tagged)!;
    // The mailbox in a URL may be UTF-8 %-encoded (RFC 5092) or modified UTF-7.
    const urls = [
      `/%E7%A0%94%E7%A9%B6%E5%AE%A4;UIDVALIDITY=${uidValidity}/;UID=${uid}/;SECTION=HEADER`,
      `imap://hanako%40univ.example@store01.univ.example/&eBR6dluk-/;UID=${uid}/;SECTION=TEXT`,
      `/&eBR6dluk-/;UID=${uid}/;SECTION=HEADER.FIELDS%20(SUBJECT)`,
      `/&eBR6dluk-/;UID=${uid}/;PARTIAL=0.6`,
    ];
    const built = await client.command(
      `APPEND INBOX (\\Seen) CATENATE (URL "${urls[0]}" TEXT ${literal('reply\r\n')}) CATENATE (TEXT ${literal(
        'From: me@univ.example\r\n\r\n',
      )} URL "${urls[1]}" URL "${urls[2]}" URL "${urls[3]}")`,
    );
    expect(built.tagged).toMatch(/^OK \[APPENDUID \d+ 1:2\]/);
    await client.command('SELECT INBOX');
    expect((await client.command('FETCH 1:2 BODY.PEEK[]')).untagged).toEqual([
      `* 1 FETCH (BODY[] {${Buffer.byteLength(original) - 'agenda\r\n'.length + 'reply\r\n'.length}}\r\n${original.replace('agenda', 'reply')})`,
      expect.stringContaining(
        'From: me@univ.example\r\n\r\nagenda\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\n\r\nFrom: )',
      ),
    ]);
    const bad = [
      [`/&eBR6dluk-;UIDVALIDITY=1/;UID=${uid}`, 'UIDVALIDITY does not match'],
      [`/&eBR6dluk-/;UID=999`, 'no such message'],
      ['/NoSuchFolder/;UID=1', 'no such mailbox'],
      [`/&eBR6dluk-`, 'a message URL needs ;UID='],
      [`imap://taro%40univ.example@store01/INBOX/;UID=1`, "not one of this user's mailboxes"],
      [`/&eBR6dluk-/;UID=${uid};URLAUTH=anonymous:internal:abc`, 'URLAUTH is not supported'],
      [`/&eBR6dluk-/;UID=${uid}/;SECTION=BOGUS`, 'invalid section'],
    ] as const;
    for (const [url, why] of bad) {
      expect(
        (await client.command(`APPEND INBOX CATENATE (TEXT ${literal('X: 1\r\n\r\n')} URL "${url}")`)).tagged,
      ).toBe(`NO [BADURL ${url.replace(/ .*/, '')}] Bad CATENATE URL: ${why}`);
    }
    expect((await client.command('STATUS INBOX (MESSAGES)')).untagged).toEqual([
      '* STATUS "INBOX" (MESSAGES 2)',
    ]);
    // A missing target is TRYCREATE, also when a URL is bad.
    expect(
      (await client.command(`APPEND Nowhere CATENATE (URL "/INBOX;UIDVALIDITY=1/;UID=1")`)).tagged,
    ).toMatch(/^NO \[TRYCREATE\]/);
    // What CATENATE builds is held to APPENDLIMIT (4,096 bytes in this test).
    const url = `/INBOX/;UID=1`;
    const tooBig = await client.command(
      `APPEND INBOX CATENATE (${Array(70).fill(`URL "${url}"`).join(' ')})`,
    );
    expect(tooBig.tagged).toMatch(/^NO \[TOOBIG\] Message is larger than the limit of 4096 bytes/);
    for (const [command, answer] of [
      ['APPEND INBOX CATENATE ()', 'BAD CATENATE needs a list of TEXT and URL parts'],
      [
        'APPEND INBOX CATENATE (TEXT "quoted")',
        'BAD CATENATE parts are TEXT with a literal or URL with a string',
      ],
      ['APPEND INBOX CATENATE (FILE "x")', 'BAD CATENATE parts are TEXT with a literal or URL with a string'],
      ['APPEND INBOX (\\Seen)', 'BAD APPEND message must be a literal or CATENATE (...)'],
      ['APPEND INBOX NIL', 'BAD Unexpected APPEND argument NIL (expected a message literal or CATENATE)'],
    ]) {
      expect((await client.command(command!)).tagged).toBe(answer);
    }
    client.close();
  });
});
