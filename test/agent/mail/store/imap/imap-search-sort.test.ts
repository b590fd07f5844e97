/**
 * SORT, THREAD, ESEARCH, ESORT and SEARCHRES over the wire: Python's imaplib (sort(), thread())
 * and imapflow (search with RETURN options) as clients no one here wrote, raw protocol lines for
 * what no client sends (RETURN (SAVE) and `$`, SORT RETURN, refusals).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';
import { recordingImapFlow } from './support/recording-imapflow.js';

const run = promisify(execFile);

/** Messages of the test folder, in arrival order. */
const messages = [
  'From: Taro <taro@univ.example>\r\nTo: lab@univ.example\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\nDate: Mon, 1 Jun 2026 10:00:00 +0900\r\nMessage-ID: <m1@univ.example>\r\n\r\nagenda\r\n',
  'From: hanako@univ.example\r\nTo: lab@univ.example\r\nSubject: Re: =?UTF-8?B?5Lya6K2w?=\r\nDate: Mon, 1 Jun 2026 11:00:00 +0900\r\nMessage-ID: <m2@univ.example>\r\nIn-Reply-To: <m1@univ.example>\r\n\r\nok\r\n',
  'From: Ayumi <ayumi@univ.example>\r\nTo: all@univ.example\r\nSubject: budget\r\nDate: Sun, 31 May 2026 09:00:00 +0900\r\nMessage-ID: <m3@univ.example>\r\n\r\nnumbers\r\n',
  'From: jiro@univ.example\r\nTo: lab@univ.example\r\nSubject: Re: budget\r\nDate: Tue, 2 Jun 2026 08:00:00 +0900\r\nMessage-ID: <m4@univ.example>\r\nReferences: <m3@univ.example>\r\n\r\nmore numbers, a longer body\r\n',
];

const pythonSession = `
import imaplib, json, sys
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4('127.0.0.1', port)
m.login(user, password)
m.select('Sorting')
out = {}
out['caps'] = sorted(m.capabilities)
out['date'] = m.sort('(DATE)', 'UTF-8', 'ALL')[1][0].decode()
out['reverse_arrival'] = m.sort('(REVERSE ARRIVAL)', 'US-ASCII', 'ALL')[1][0].decode()
out['subject'] = m.sort('(SUBJECT)', 'UTF-8', 'ALL')[1][0].decode()
out['from'] = m.sort('(FROM)', 'UTF-8', 'ALL')[1][0].decode()
out['displayfrom'] = m.sort('(DISPLAYFROM)', 'UTF-8', 'ALL')[1][0].decode()
out['size_to_lab'] = m.sort('(REVERSE SIZE)', 'UTF-8', 'TO', 'lab')[1][0].decode()
out['uid_sort'] = m.uid('SORT', '(SUBJECT)', 'UTF-8', 'ALL')[1][0].decode()
out['references'] = m.thread('REFERENCES', 'UTF-8', 'ALL')[1][0].decode()
out['orderedsubject'] = m.thread('ORDEREDSUBJECT', 'UTF-8', 'ALL')[1][0].decode()
out['uid_thread'] = m.uid('THREAD', 'REFERENCES', 'UTF-8', 'NOT', 'FROM', 'jiro')[1][0].decode()
m.literal = '会議'.encode()
out['sort_japanese'] = m.sort('(DATE)', 'UTF-8', 'SUBJECT')[1][0].decode()
try:
    m.sort('(NOSUCHKEY)', 'UTF-8', 'ALL')
    out['bad'] = 'accepted'
except imaplib.IMAP4.error as error:
    out['bad'] = str(error)
m.logout()
print(json.dumps(out))
`;

describe('SORT, THREAD and extended SEARCH', () => {
  let imap: ImapTestServer;
  let uids: number[];

  beforeAll(async () => {
    imap = await startImapTestServer();
    const client = await RawImapClient.connect(imap.server.port);
    await client.login('taro@univ.example', testUsers['taro@univ.example']!);
    await client.command('CREATE Sorting');
    uids = [];
    for (const [i, text] of messages.entries()) {
      const size = Buffer.byteLength(text);
      const { tagged } = await client.command(
        `APPEND Sorting "0${i + 1}-Jun-2026 12:00:00 +0000" {${size}+}\r\n${text}`,
      );
      uids.push(Number(/APPENDUID \d+ (\d+)/.exec(tagged)![1]));
    }
    client.close();
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('imaplib sorts and threads, by sequence number and by UID', async () => {
    const { stdout } = await run('python3', [
      '-c',
      pythonSession,
      String(imap.server.port),
      'taro@univ.example',
      testUsers['taro@univ.example']!,
    ]);
    const out = JSON.parse(stdout) as Record<string, string | string[]>;
    expect(out.caps).toEqual(
      expect.arrayContaining(['SORT', 'SORT=DISPLAY', 'THREAD=REFERENCES', 'THREAD=ORDEREDSUBJECT', 'ESORT']),
    );
    expect(out.date).toBe('3 1 2 4');
    expect(out.reverse_arrival).toBe('4 3 2 1');
    // BUDGET (3, 4) before the UTF-8 octets of 会議 (1, 2).
    expect(out.subject).toBe('3 4 1 2');
    expect(out.from).toBe('3 2 4 1');
    expect(out.displayfrom).toBe('3 2 4 1');
    expect(out.size_to_lab).toBe('4 2 1');
    expect(out.uid_sort).toBe([uids[2], uids[3], uids[0], uids[1]].join(' '));
    expect(out.references).toBe('(3 4)(1 2)');
    expect(out.orderedsubject).toBe('(3 4)(1 2)');
    expect(out.uid_thread).toBe(`(${uids[2]})(${uids[0]} ${uids[1]})`);
    expect(out.sort_japanese).toBe('1 2');
    expect(out.bad).toMatch(/Unknown sort criterion NOSUCHKEY/);
  });

  it('imapflow asks for ESEARCH results and gets them from the server', async () => {
    const { client, received: serverLines } = recordingImapFlow({
      host: '127.0.0.1',
      port: imap.server.port,
      secure: false,
      auth: { user: 'taro@univ.example', pass: testUsers['taro@univ.example']! },
    });
    await client.connect();
    try {
      await client.mailboxOpen('Sorting');
      const result = await client.search({ to: 'lab' }, { returnOptions: ['MIN', 'MAX', 'COUNT', 'ALL'] });
      expect(result).toMatchObject({ min: 1, max: 4, count: 3, all: '1:2,4' });
      const byUid = await client.search({ from: 'jiro' }, { uid: true, returnOptions: ['COUNT', 'ALL'] });
      expect(byUid).toMatchObject({ count: 1, all: String(uids[3]) });
      expect(
        serverLines.some((line) => /^\* ESEARCH \(TAG "[^"]+"\) MIN 1 MAX 4 ALL 1:2,4 COUNT 3$/.test(line)),
      ).toBe(true);
    } finally {
      await client.logout();
    }
  });

  it('SEARCH RETURN (SAVE) keeps the result as $ for FETCH, STORE, SEARCH and UID commands', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    await client.login('hanako@univ.example', testUsers['hanako@univ.example']!);
    await client.command('CREATE Saved');
    for (const subject of ['one', 'two', 'three']) {
      const text = `Subject: ${subject}\r\n\r\n${subject}\r\n`;
      await client.command(`APPEND Saved {${text.length}+}\r\n${text}`);
    }
    await client.command('SELECT Saved');
    // `$` before any SAVE is the empty set.
    expect(await client.command('FETCH $ (UID)')).toEqual({ untagged: [], tagged: 'OK FETCH completed' });
    // SAVE alone gives no ESEARCH response at all (RFC 5182 2.1).
    expect(await client.command('SEARCH RETURN (SAVE) SUBJECT t')).toEqual({
      untagged: [],
      tagged: 'OK SEARCH completed',
    });
    expect((await client.command('FETCH $ (UID)')).untagged).toEqual([
      '* 2 FETCH (UID 2)',
      '* 3 FETCH (UID 3)',
    ]);
    expect((await client.command('UID STORE $ +FLAGS (\\Flagged)')).untagged).toEqual([
      '* 2 FETCH (FLAGS (\\Flagged \\Recent) UID 2)',
      '* 3 FETCH (FLAGS (\\Flagged \\Recent) UID 3)',
    ]);
    expect((await client.command('SEARCH $ NOT SUBJECT three')).untagged).toEqual(['* SEARCH 2']);
    expect((await client.command('UID SEARCH UID $')).untagged).toEqual(['* SEARCH 2 3']);
    // With MIN (and no ALL or COUNT) only the minimum is kept (RFC 5182 2.4).
    expect((await client.command('SEARCH RETURN (SAVE MIN) ALL')).untagged).toEqual([
      expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) MIN 1$/),
    ]);
    expect((await client.command('FETCH $ (UID)')).untagged).toEqual(['* 1 FETCH (UID 1)']);
    // A failed SAVE leaves $ empty.
    expect((await client.command('SEARCH RETURN (SAVE) NOSUCHKEY')).tagged).toMatch(/^BAD /);
    expect((await client.command('FETCH $ (UID)')).untagged).toEqual([]);
    // An expunged message leaves the saved result.
    await client.command('SEARCH RETURN (SAVE) ALL');
    await client.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    await client.command('EXPUNGE');
    expect((await client.command('FETCH $ (UID)')).untagged).toEqual([
      '* 1 FETCH (UID 2)',
      '* 2 FETCH (UID 3)',
    ]);
    client.close();
  });

  it('SORT RETURN gives ESORT results in sort order, and bad SORT and THREAD commands are refused in words', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    await client.login('taro@univ.example', testUsers['taro@univ.example']!);
    await client.command('SELECT Sorting');
    const esort = await client.command('SORT RETURN (MIN MAX ALL COUNT) (DATE) UTF-8 ALL');
    expect(esort.untagged).toEqual([
      expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) MIN 3 MAX 4 ALL 3,1:2,4 COUNT 4$/),
    ]);
    const empty = await client.command('UID SORT RETURN (COUNT MIN) (DATE) UTF-8 SUBJECT nothing-matches');
    expect(empty.untagged).toEqual([expect.stringMatching(/^\* ESEARCH \(TAG "t\d+"\) UID COUNT 0$/)]);
    expect((await client.command('SORT (DATE) UTF-8 SUBJECT nothing-matches')).untagged).toEqual(['* SORT']);
    expect((await client.command('THREAD REFERENCES UTF-8 SUBJECT nothing-matches')).untagged).toEqual([
      '* THREAD',
    ]);
    expect((await client.command('SORT RETURN (SAVE) (DATE) UTF-8 ALL')).tagged).toBe(
      'BAD Unknown RETURN option SAVE',
    );
    expect((await client.command('SORT (DATE) UTF-8')).tagged).toBe(
      'BAD SORT needs search criteria after the charset',
    );
    expect((await client.command('SORT DATE UTF-8 ALL')).tagged).toMatch(
      /^BAD SORT needs a parenthesised list/,
    );
    expect((await client.command('SORT (DATE) X-NO-SUCH-CHARSET ALL')).tagged).toMatch(
      /^NO \[BADCHARSET \(UTF-8/,
    );
    expect((await client.command('THREAD JWZ UTF-8 ALL')).tagged).toMatch(
      /^BAD Unknown threading algorithm JWZ/,
    );
    expect((await client.command('SEARCH RETURN (PARTIAL 1:10) ALL')).tagged).toBe(
      'BAD Unknown RETURN option PARTIAL',
    );
    await client.command('UNSELECT');
    expect((await client.command('SORT (DATE) UTF-8 ALL')).tagged).toBe(
      'BAD SORT is not allowed without a selected mailbox',
    );
    client.close();
  });
});
