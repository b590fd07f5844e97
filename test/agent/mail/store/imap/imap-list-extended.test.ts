/**
 * LIST-EXTENDED (RFC 5258), LIST-STATUS (RFC 5819) and SPECIAL-USE with CREATE-SPECIAL-USE
 * (RFC 6154): imapflow's folder listing (one LIST with RETURN (STATUS ... SPECIAL-USE CHILDREN
 * SUBSCRIBED)), and raw lines for subscriptions of deleted folders, RECURSIVEMATCH's CHILDINFO,
 * special uses given at CREATE, and refusals.
 */
import { rm } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, loginAs, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { recordingImapFlow } from './support/recording-imapflow.js';

describe('LIST-EXTENDED, LIST-STATUS and SPECIAL-USE', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer();
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('imapflow gets special uses, subscriptions and STATUS in one LIST', async () => {
    const raw = await loginAs(imap.server.port, 'taro@univ.example');
    await raw.command('CREATE "&eBR6dluk-.2026"');
    const text = 'Subject: x\r\n\r\nx\r\n';
    await raw.command(`APPEND Sent (\\Seen) {${text.length}+}\r\n${text}`);
    await raw.command(`APPEND Sent {${text.length}+}\r\n${text}`);
    raw.close();
    const { client, sent, received } = recordingImapFlow({
      host: '127.0.0.1',
      port: imap.server.port,
      secure: false,
      auth: { user: 'taro@univ.example', pass: testUsers['taro@univ.example']! },
    });
    await client.connect();
    try {
      const folders = await client.list({ statusQuery: { messages: true, unseen: true, uidNext: true } });
      const byPath = new Map(folders.map((folder) => [folder.path, folder]));
      expect(byPath.get('Sent')).toMatchObject({
        specialUse: '\\Sent',
        subscribed: true,
        status: { messages: 2, unseen: 1, uidNext: 3 },
      });
      for (const [path, use] of [
        ['Drafts', '\\Drafts'],
        ['Trash', '\\Trash'],
        ['Junk', '\\Junk'],
      ] as const) {
        expect(byPath.get(path)).toMatchObject({ specialUse: use, status: { messages: 0 } });
      }
      expect(byPath.get('研究室.2026')).toMatchObject({ name: '2026', parentPath: '研究室' });
      expect(byPath.get('研究室')?.flags.has('\\HasChildren')).toBe(true);
      // One LIST carried everything: no STATUS command per folder.
      expect(sent.filter((line) => / STATUS /.test(line) && !/ LIST /.test(line))).toEqual([]);
      expect(sent.some((line) => /LIST "" "\*" RETURN \(STATUS \(/.test(line))).toBe(true);
      expect(received).toContain('* STATUS "Sent" (MESSAGES 2 UNSEEN 1 UIDNEXT 3)');
    } finally {
      await client.logout();
    }
  });

  it('keeps a special use given at CREATE through RENAME and a restart, and refuses virtual ones', async () => {
    const first = await startImapTestServer();
    const client = await loginAs(first.server.port, 'jiro@univ.example');
    expect((await client.command('CREATE Archive (USE (\\archive))')).tagged).toBe('OK CREATE completed');
    expect((await client.command('CREATE Outbox (USE (\\Sent \\Drafts))')).tagged).toBe(
      'OK CREATE completed',
    );
    expect((await client.command('CREATE Everything (USE (\\All))')).tagged).toBe(
      'NO [USEATTR] Special use \\All cannot be given to a folder here',
    );
    expect((await client.command('CREATE Odd (USE (\\Important))')).tagged).toMatch(/^NO \[USEATTR\]/);
    expect((await client.command('CREATE Odd (COLOR (red))')).tagged).toBe(
      'BAD CREATE takes (USE (special-use attributes)) as its only parameter',
    );
    await client.command('RENAME Archive 2026.Archive');
    expect((await client.command('LIST "" *')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "." "INBOX"',
      '* LIST (\\HasChildren) "." "2026"',
      '* LIST (\\HasNoChildren \\Archive) "." "2026.Archive"',
      '* LIST (\\HasNoChildren \\Drafts) "." "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "." "Junk"',
      '* LIST (\\HasNoChildren \\Sent \\Drafts) "." "Outbox"',
      '* LIST (\\HasNoChildren \\Sent) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "." "Trash"',
    ]);
    client.close();
    // Read back from the Maildir by a fresh storage, and seen by imapflow.
    await first.server.stop();
    await first.storage.close();
    const again = await startImapTestServer({ dir: first.dir });
    try {
      const flow = new ImapFlow({
        host: '127.0.0.1',
        port: again.server.port,
        secure: false,
        auth: { user: 'jiro@univ.example', pass: testUsers['jiro@univ.example']! },
        logger: false,
      });
      await flow.connect();
      // imapflow also guesses uses from names: the source says the server sent this one.
      const archive = async () => (await flow.list()).find((folder) => folder.path === '2026.Archive');
      expect(await archive()).toMatchObject({ specialUse: '\\Archive', specialUseSource: 'extension' });
      await flow.mailboxDelete('2026.Archive');
      await flow.mailboxCreate('2026.Archive');
      expect((await archive())?.specialUseSource).not.toBe('extension');
      await flow.logout();
    } finally {
      await again.stop();
      await rm(first.dir, { recursive: true, force: true });
    }
  });

  it('keeps the subscription of a deleted folder and lists it as \\NonExistent (RFC 3501 6.3.6)', async () => {
    const client = await loginAs(imap.server.port, 'hanako@univ.example');
    for (const name of ['Lab', 'Lab.Old', 'Lab.New']) await client.command(`CREATE ${name}`);
    await client.command('SUBSCRIBE Lab.Old');
    await client.command('DELETE Lab.Old');
    expect((await client.command('LIST (SUBSCRIBED) "" Lab*')).untagged).toEqual([
      '* LIST (\\NonExistent \\Subscribed) "." "Lab.Old"',
    ]);
    expect((await client.command('LSUB "" Lab.*')).untagged).toEqual(['* LSUB () "." "Lab.Old"']);
    // Only folders that exist get STATUS; a plain LIST does not show the deleted one.
    expect((await client.command('LIST "" Lab* RETURN (SUBSCRIBED STATUS (MESSAGES))')).untagged).toEqual([
      '* LIST (\\HasChildren) "." "Lab"',
      '* STATUS "Lab" (MESSAGES 0)',
      '* LIST (\\HasNoChildren) "." "Lab.New"',
      '* STATUS "Lab.New" (MESSAGES 0)',
    ]);
    // Created again, the folder is subscribed as before.
    await client.command('CREATE Lab.Old');
    expect((await client.command('LIST (SUBSCRIBED) "" Lab.Old')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "." "Lab.Old"',
    ]);
    client.close();
  });

  it('gives CHILDINFO only to parents whose subscribed children the patterns miss (RECURSIVEMATCH)', async () => {
    const client = await loginAs(imap.server.port, 'jiro@univ.example');
    for (const name of ['Work', 'Work.A', 'Work.B', 'Home', 'Home.Kids'])
      await client.command(`CREATE ${name}`);
    await client.command('SUBSCRIBE Work.A');
    await client.command('SUBSCRIBE Home.Kids');
    expect((await client.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" %')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Drafts \\Subscribed) "." "Drafts"',
      '* LIST (\\HasChildren) "." "Home" ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasNoChildren \\Junk \\Subscribed) "." "Junk"',
      '* LIST (\\HasNoChildren \\Sent \\Subscribed) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash \\Subscribed) "." "Trash"',
      '* LIST (\\HasChildren) "." "Work" ("CHILDINFO" ("SUBSCRIBED"))',
    ]);
    const top = (await client.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" (Work Home)')).untagged;
    expect(top).toEqual([
      '* LIST (\\HasChildren) "." "Home" ("CHILDINFO" ("SUBSCRIBED"))',
      '* LIST (\\HasChildren) "." "Work" ("CHILDINFO" ("SUBSCRIBED"))',
    ]);
    // Work.A is listed itself, so Work gets no CHILDINFO for it.
    expect((await client.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" (Work Work.A)')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Subscribed) "." "Work.A"',
    ]);
    expect((await client.command('LIST (SPECIAL-USE) "" *')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Drafts) "." "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "." "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "." "Trash"',
    ]);
    for (const [command, answer] of [
      ['LIST (RECURSIVEMATCH) "" *', 'BAD RECURSIVEMATCH needs another selection option'],
      ['LIST (RECURSIVEMATCH REMOTE) "" *', 'BAD RECURSIVEMATCH needs another selection option'],
      ['LIST (NOSUCH) "" *', 'BAD Unknown LIST selection option NOSUCH'],
      ['LIST "" * RETURN (NOSUCH)', 'BAD Unknown LIST return option NOSUCH'],
      ['LIST "" ()', 'BAD Empty list of mailbox patterns'],
      ['LIST "" * RETURN (STATUS (NOSUCH))', 'BAD Unknown STATUS item NOSUCH'],
    ]) {
      expect((await client.command(command!)).tagged).toBe(answer);
    }
    client.close();
  });
});
