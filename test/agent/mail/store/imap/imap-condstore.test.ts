/**
 * Folder state shared between sessions, byte for byte: keywords announced in FLAGS before any
 * session sees them on a message, \Recent in exactly one session, and CONDSTORE/QRESYNC (RFC 7162):
 * MODSEQ, HIGHESTMODSEQ, CHANGEDSINCE, UNCHANGEDSINCE, VANISHED, SELECT (QRESYNC ...), also after
 * the server restarts over the same Maildir.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapServer } from '../../../../../agent/mail/store/imap/imap-server.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';

const message = (subject: string): string => `From: a@univ.example\r\nSubject: ${subject}\r\n\r\nhello\r\n`;

async function login(port: number, user: string): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  await client.login(user, testUsers[user]!);
  return client;
}

async function append(client: RawImapClient, folder: string, text: string, flags = ''): Promise<string> {
  const { tagged } = await client.command(`APPEND ${folder} ${flags}{${text.length}+}\r\n${text}`);
  return tagged;
}

function modseqOf(line: string | undefined): number {
  const match = /MODSEQ \((\d+)\)|HIGHESTMODSEQ (\d+)/.exec(line ?? '');
  if (!match) throw new Error(`no mod-sequence in ${line}`);
  return Number(match[1] ?? match[2]);
}

describe('keywords, \\Recent and CONDSTORE/QRESYNC between sessions', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer();
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('announces a keyword in FLAGS and PERMANENTFLAGS to every session before showing it on a message', async () => {
    const one = await login(imap.server.port, 'taro@univ.example');
    const two = await login(imap.server.port, 'taro@univ.example');
    await append(one, 'INBOX', message('kw'));
    await one.command('SELECT INBOX');
    await two.command('SELECT INBOX');
    const stored = await one.command('STORE 1 +FLAGS ($Project NIL)');
    expect(stored.untagged).toEqual([
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL \\*)] Flags permitted',
      '* 1 FETCH (FLAGS ($Project NIL \\Recent))',
    ]);
    // The other session hears of the keywords first, then of the message's new flags.
    expect((await two.command('NOOP')).untagged).toEqual([
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL \\*)] Flags permitted',
      '* 1 FETCH (FLAGS ($Project NIL) UID 1)',
    ]);
    // A keyword created by an APPEND elsewhere is announced with the new message, before any FETCH.
    const three = await login(imap.server.port, 'taro@univ.example');
    await append(three, 'INBOX', message('kw2'), '($Later) ');
    expect((await two.command('NOOP')).untagged).toEqual([
      '* 2 EXISTS',
      '* 1 RECENT',
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL $Later)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft $Project NIL $Later \\*)] Flags permitted',
    ]);
    expect((await two.command('FETCH 2 (FLAGS)')).untagged).toEqual(['* 2 FETCH (FLAGS ($Later \\Recent))']);
    for (const client of [one, two, three]) client.close();
  });

  it('gives \\Recent to exactly one session; EXAMINE sees it without taking it', async () => {
    const writer = await login(imap.server.port, 'hanako@univ.example');
    await append(writer, 'INBOX', message('r1'));
    await append(writer, 'INBOX', message('r2'));
    const examiner = await login(imap.server.port, 'hanako@univ.example');
    expect((await examiner.command('EXAMINE INBOX')).untagged).toContain('* 2 RECENT');
    expect((await examiner.command('STATUS INBOX (RECENT)')).untagged).toEqual([
      '* STATUS "INBOX" (RECENT 2)',
    ]);
    const first = await login(imap.server.port, 'hanako@univ.example');
    const second = await login(imap.server.port, 'hanako@univ.example');
    expect((await first.command('SELECT INBOX')).untagged).toContain('* 2 RECENT');
    expect((await second.command('SELECT INBOX')).untagged).toContain('* 0 RECENT');
    await append(writer, 'INBOX', message('r3'));
    const heard = [(await first.command('NOOP')).untagged, (await second.command('NOOP')).untagged];
    // Whoever syncs first takes it; the other sees it as not recent.
    expect(heard[0]).toEqual(['* 3 EXISTS', '* 3 RECENT']);
    expect(heard[1]).toEqual(['* 3 EXISTS', '* 0 RECENT']);
    expect((await second.command('FETCH 3 (FLAGS)')).untagged).toEqual(['* 3 FETCH (FLAGS ())']);
    expect((await first.command('FETCH 3 (FLAGS)')).untagged).toEqual(['* 3 FETCH (FLAGS (\\Recent))']);
    expect((await writer.command('STATUS INBOX (RECENT)')).untagged).toEqual(['* STATUS "INBOX" (RECENT 0)']);
    for (const client of [writer, examiner, first, second]) client.close();
  });

  it('keeps mod-sequences: MODSEQ, HIGHESTMODSEQ, CHANGEDSINCE, UNCHANGEDSINCE and SEARCH MODSEQ', async () => {
    const client = await login(imap.server.port, 'jiro@univ.example');
    await client.command('CREATE Cond');
    for (const subject of ['c1', 'c2', 'c3']) await append(client, 'Cond', message(subject));
    const status = await client.command('STATUS Cond (HIGHESTMODSEQ MESSAGES)');
    const highestAtStart = modseqOf(status.untagged[0]);
    const selected = await client.command('SELECT Cond (CONDSTORE)');
    expect(selected.untagged).toContain(`* OK [HIGHESTMODSEQ ${highestAtStart}] Highest`);
    const stored = await client.command('STORE 2 +FLAGS (\\Flagged)');
    const flaggedModseq = modseqOf(stored.untagged[0]);
    expect(flaggedModseq).toBeGreaterThan(highestAtStart);
    expect(stored.untagged).toEqual([`* 2 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (${flaggedModseq}))`]);
    expect((await client.command(`FETCH 1:* (FLAGS) (CHANGEDSINCE ${highestAtStart})`)).untagged).toEqual([
      `* 2 FETCH (FLAGS (\\Flagged \\Recent) MODSEQ (${flaggedModseq}))`,
    ]);
    // UNCHANGEDSINCE: message 2 changed after the given mod-sequence, so it is left alone.
    const conditional = await client.command(`STORE 1:2 (UNCHANGEDSINCE ${highestAtStart}) +FLAGS (\\Seen)`);
    expect(conditional.tagged).toMatch(/^OK \[MODIFIED 2\]/);
    expect(conditional.untagged).toHaveLength(1);
    expect(conditional.untagged[0]).toMatch(/^\* 1 FETCH \(FLAGS \(\\Seen \\Recent\) MODSEQ \(\d+\)\)$/);
    const search = await client.command(`SEARCH MODSEQ ${flaggedModseq}`);
    expect(search.untagged[0]).toMatch(/^\* SEARCH 1 2 \(MODSEQ \d+\)$/);
    expect((await client.command('UID FETCH 3 (MODSEQ)')).untagged[0]).toMatch(
      /^\* 3 FETCH \(UID 3 MODSEQ \(\d+\)\)$/,
    );
    client.close();
  });

  it('resynchronises with QRESYNC: VANISHED (EARLIER) and the flags changed since, also after a restart', async () => {
    const client = await login(imap.server.port, 'jiro@univ.example');
    await client.command('CREATE Quick');
    for (const subject of ['q1', 'q2', 'q3', 'q4']) await append(client, 'Quick', message(subject));
    expect((await client.command('ENABLE QRESYNC')).untagged).toEqual(['* ENABLED QRESYNC']);
    const selected = await client.command('SELECT Quick');
    const uidValidity = /UIDVALIDITY (\d+)/.exec(selected.untagged.join('\n'))![1];
    const known = modseqOf(selected.untagged.find((line) => line.includes('HIGHESTMODSEQ')));
    await client.command('STORE 2 +FLAGS.SILENT (\\Deleted)');
    // With QRESYNC on, expunges are told as VANISHED.
    expect((await client.command('EXPUNGE')).untagged).toEqual(['* VANISHED 2']);
    await client.command('UID STORE 3 +FLAGS.SILENT (\\Answered)');
    expect((await client.command(`UID FETCH 1:* (FLAGS) (CHANGEDSINCE ${known} VANISHED)`)).untagged).toEqual(
      [
        '* VANISHED (EARLIER) 2',
        expect.stringMatching(/^\* 2 FETCH \(UID 3 FLAGS \(\\Answered \\Recent\) MODSEQ \(\d+\)\)$/),
      ],
    );
    client.close();

    // A new server over the same Maildir (the first one stopped): the state was kept on disk.
    await imap.server.stop();
    await imap.storage.close();
    const storage = new MaildirStorage({ root: `${imap.dir}/mail`, hostName: 'imap-test' });
    const restarted = new ImapServer({
      storage,
      authenticate: async (login) => ({ ok: true, user: login, quotaBytes: 0, mailHost: 'store01' }),
    });
    await restarted.start();
    try {
      const again = await login(restarted.port as number, 'jiro@univ.example');
      await again.command('ENABLE QRESYNC');
      const resync = await again.command(`SELECT Quick (QRESYNC (${uidValidity} ${known} 1:4))`);
      expect(resync.untagged).toContain('* VANISHED (EARLIER) 2');
      expect(resync.untagged).toContainEqual(
        expect.stringMatching(/^\* 2 FETCH \(FLAGS \(\\Answered\) UID 3 MODSEQ \(\d+\)\)$/),
      );
      expect(resync.untagged.filter((line) => line.includes(' FETCH '))).toHaveLength(1);
      again.close();
    } finally {
      await restarted.stop();
      await storage.close();
    }
  });
});
