/**
 * IMAP semantics between sessions, byte for byte: untagged updates and when they may be sent,
 * \Seen and \Recent, read-only access, expunge variants, MOVE/COPY with UIDPLUS, IDLE, quota,
 * LIST extensions, and the server's session list, kick and counters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { japaneseMessage } from './support/mime-samples.js';
import { RawImapClient } from './support/raw-imap-client.js';

const message = (subject: string, body = 'hello\r\n'): string =>
  `From: a@univ.example\r\nSubject: ${subject}\r\n\r\n${body}`;

async function login(port: number, user: string): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  await client.login(user, testUsers[user]!);
  return client;
}

async function append(client: RawImapClient, folder: string, text: string, flags = ''): Promise<string> {
  const { tagged, untagged } = await client.command(`APPEND ${folder} ${flags}{${text.length}+}\r\n${text}`);
  return [...untagged, tagged].join('\n');
}

describe('IMAP sessions', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer({ quotaBytes: 100_000 });
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('tells each session about the others: EXISTS, RECENT, FETCH FLAGS and EXPUNGE, never EXPUNGE during FETCH', async () => {
    const one = await login(imap.server.port, 'taro@univ.example');
    const two = await login(imap.server.port, 'taro@univ.example');
    expect(await append(one, 'INBOX', message('first'))).toMatch(/^OK \[APPENDUID \d+ 1\] APPEND completed$/);
    const selected = await one.command('SELECT INBOX');
    expect(selected.untagged).toEqual([
      '* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)',
      '* OK [PERMANENTFLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft \\*)] Flags permitted',
      '* 1 EXISTS',
      '* 1 RECENT',
      '* OK [UNSEEN 1] First unseen',
      expect.stringMatching(/^\* OK \[UIDVALIDITY \d+\] UIDs valid$/),
      '* OK [UIDNEXT 2] Predicted next UID',
    ]);
    expect(selected.tagged).toBe('OK [READ-WRITE] SELECT completed');
    expect((await two.command('SELECT INBOX')).untagged).toContain('* 0 RECENT');

    // An append to the selected folder shows up before the APPEND's own OK.
    expect(await append(one, 'INBOX', message('second'))).toMatch(
      /^\* 2 EXISTS\n\* 2 RECENT\nOK \[APPENDUID \d+ 2\]/,
    );
    // \Recent belongs to one session: the one that heard of the message first (here: at its APPEND).
    expect((await two.command('NOOP')).untagged).toEqual(['* 2 EXISTS', '* 0 RECENT']);

    expect((await two.command('STORE 1 +FLAGS (\\Flagged)')).untagged).toEqual([
      '* 1 FETCH (FLAGS (\\Flagged))',
    ]);
    expect((await one.command('NOOP')).untagged).toEqual(['* 1 FETCH (FLAGS (\\Flagged \\Recent) UID 1)']);

    expect((await two.command('STORE 2 +FLAGS.SILENT (\\Deleted)')).untagged).toEqual([]);
    expect((await two.command('EXPUNGE')).untagged).toEqual(['* 2 EXPUNGE']);
    // FETCH by sequence number must not be interrupted by EXPUNGE (RFC 3501 7.4.1) ...
    expect((await one.command('FETCH 1:* (UID)')).untagged).toEqual([
      '* 1 FETCH (UID 1)',
      '* 2 FETCH (UID 2)',
    ]);
    // ... UID FETCH may be followed by it.
    expect((await one.command('UID FETCH 1:* (FLAGS)')).untagged).toEqual([
      '* 1 FETCH (UID 1 FLAGS (\\Flagged \\Recent))',
      // The session's last known state of a message another session expunged meanwhile.
      '* 2 FETCH (UID 2 FLAGS (\\Recent))',
      '* 2 EXPUNGE',
    ]);
    one.close();
    two.close();
  });

  it('sets \\Seen on BODY[] but not on BODY.PEEK[], answers partials, and keeps EXAMINE read-only', async () => {
    const client = await login(imap.server.port, 'hanako@univ.example');
    await append(client, 'INBOX', message('peek', '0123456789abcdefghij\r\n'));
    await client.command('SELECT INBOX');
    expect((await client.command('FETCH 1 (BODY.PEEK[TEXT]<5.10>)')).untagged).toEqual([
      '* 1 FETCH (BODY[TEXT]<5> {10}\r\n56789abcde)',
    ]);
    expect((await client.command('FETCH 1 (BODY.PEEK[TEXT]<500.10>)')).untagged).toEqual([
      '* 1 FETCH (BODY[TEXT]<500> {0}\r\n)',
    ]);
    expect((await client.command('FETCH 1 FLAGS')).untagged).toEqual(['* 1 FETCH (FLAGS (\\Recent))']);
    expect((await client.command('FETCH 1 BODY[HEADER.FIELDS (subject)]')).untagged).toEqual([
      '* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {17}\r\nSubject: peek\r\n\r\n FLAGS (\\Seen \\Recent))',
    ]);
    expect((await client.command('STORE 1 -FLAGS (\\Seen)')).untagged).toEqual([
      '* 1 FETCH (FLAGS (\\Recent))',
    ]);
    const examined = await client.command('EXAMINE INBOX');
    expect(examined.tagged).toBe('OK [READ-ONLY] EXAMINE completed');
    expect(examined.untagged).toContain('* OK [CLOSED] Previous mailbox closed');
    expect(examined.untagged).toContain('* OK [PERMANENTFLAGS ()] Flags permitted');
    expect((await client.command('FETCH 1 (RFC822.TEXT)')).untagged).toEqual([
      '* 1 FETCH (RFC822.TEXT {22}\r\n0123456789abcdefghij\r\n)',
    ]);
    expect((await client.command('FETCH 1 FLAGS')).untagged).toEqual(['* 1 FETCH (FLAGS ())']);
    expect((await client.command('STORE 1 +FLAGS (\\Seen)')).tagged).toBe(
      'NO [READ-ONLY] Mailbox is read-only',
    );
    expect((await client.command('EXPUNGE')).tagged).toBe('NO [READ-ONLY] Mailbox is read-only');
    client.close();
  });

  it('expunges with EXPUNGE, UID EXPUNGE and CLOSE (silently); UNSELECT keeps messages', async () => {
    const client = await login(imap.server.port, 'jiro@univ.example');
    for (const subject of ['a', 'b', 'c', 'd'])
      await append(client, 'INBOX', message(subject), '(\\Deleted) ');
    await client.command('SELECT INBOX');
    expect((await client.command('UID EXPUNGE 2:3')).untagged).toEqual(['* 3 EXPUNGE', '* 2 EXPUNGE']);
    expect((await client.command('UID SEARCH ALL')).untagged).toEqual(['* SEARCH 1 4']);
    expect((await client.command('UNSELECT')).untagged).toEqual([]);
    expect((await client.command('STATUS INBOX (MESSAGES)')).untagged).toEqual([
      '* STATUS "INBOX" (MESSAGES 2)',
    ]);
    await client.command('SELECT INBOX');
    expect((await client.command('CLOSE')).untagged).toEqual([]);
    expect((await client.command('STATUS INBOX (MESSAGES UIDNEXT)')).untagged).toEqual([
      '* STATUS "INBOX" (MESSAGES 0 UIDNEXT 5)',
    ]);
    expect((await client.command('FETCH 1 FLAGS')).tagged).toBe(
      'BAD FETCH is not allowed without a selected mailbox',
    );
    client.close();
  });

  it('moves and copies with COPYUID, refusing a missing target with TRYCREATE', async () => {
    const client = await login(imap.server.port, 'jiro@univ.example');
    await client.command('CREATE Archive');
    for (const subject of ['m1', 'm2', 'm3']) await append(client, 'INBOX', message(subject));
    await client.command('SELECT INBOX');
    const moved = await client.command('MOVE 1:2 Archive');
    expect(moved.untagged).toEqual([
      expect.stringMatching(/^\* OK \[COPYUID \d+ 5:6 1:2\] Moved$/),
      '* 2 EXPUNGE',
      '* 1 EXPUNGE',
    ]);
    expect(moved.tagged).toBe('OK MOVE completed');
    const copied = await client.command('UID COPY 7 INBOX');
    expect(copied.untagged).toEqual(['* 2 EXISTS', '* 2 RECENT']);
    expect(copied.tagged).toMatch(/^OK \[COPYUID \d+ 7 8\] COPY completed$/);
    expect((await client.command('COPY 1 Nowhere')).tagged).toMatch(/^NO \[TRYCREATE\]/);
    expect((await client.command('UID MOVE 999 Archive')).tagged).toBe('OK MOVE completed: no messages');
    client.close();
  });

  it('wakes IDLE with flag changes and expunges from another session', async () => {
    const watcher = await login(imap.server.port, 'hanako@univ.example');
    const actor = await login(imap.server.port, 'hanako@univ.example');
    await append(actor, 'INBOX', message('idle-1'));
    await watcher.command('SELECT INBOX');
    await actor.command('SELECT INBOX');
    watcher.send('i1 IDLE\r\n');
    expect(await watcher.readLine()).toBe('+ idling');
    await actor.command('UID STORE 2 +FLAGS (\\Answered)');
    expect(await watcher.readLine()).toBe('* 2 FETCH (FLAGS (\\Answered \\Recent) UID 2)');
    await actor.command('STORE 1 +FLAGS.SILENT (\\Deleted)');
    expect(await watcher.readLine()).toBe('* 1 FETCH (FLAGS (\\Deleted) UID 1)');
    await actor.command('EXPUNGE');
    expect(await watcher.readLine()).toBe('* 1 EXPUNGE');
    watcher.send('DONE\r\n');
    expect(await watcher.readLine()).toBe('i1 OK IDLE terminated');
    watcher.send('i2 IDLE\r\nnot done\r\n');
    expect(await watcher.readLine()).toBe('+ idling');
    expect(await watcher.readLine()).toBe('i2 BAD Expected DONE to end IDLE');
    watcher.close();
    actor.close();
  });

  it('answers quota, refuses APPEND over quota, and lists with LIST-EXTENDED and LSUB', async () => {
    const client = await login(imap.server.port, 'taro@univ.example');
    const root = await client.command('GETQUOTAROOT INBOX');
    expect(root.untagged[0]).toBe('* QUOTAROOT "INBOX" ""');
    expect(root.untagged[1]).toMatch(/^\* QUOTA "" \(STORAGE \d+ 97\)$/);
    expect((await client.command('GETQUOTA "other"')).tagged).toMatch(/^NO \[NONEXISTENT\]/);
    expect((await client.command('SETQUOTA "" (STORAGE 1)')).tagged).toMatch(/^NO \[NOPERM\]/);
    expect(await append(client, 'INBOX', message('big', `${'x'.repeat(120_000)}\r\n`))).toMatch(
      /^NO \[OVERQUOTA\]/,
    );

    await client.command('CREATE Projects.2026');
    await client.command('CREATE Projects.Old');
    await client.command('SUBSCRIBE Projects.2026');
    expect((await client.command('LIST "" Projects.%')).untagged).toEqual([
      '* LIST (\\HasNoChildren) "." "Projects.2026"',
      '* LIST (\\HasNoChildren) "." "Projects.Old"',
    ]);
    expect((await client.command('LIST "Projects." %')).untagged).toHaveLength(2);
    expect((await client.command('LIST (SPECIAL-USE) "" *')).untagged).toEqual([
      '* LIST (\\HasNoChildren \\Drafts) "." "Drafts"',
      '* LIST (\\HasNoChildren \\Junk) "." "Junk"',
      '* LIST (\\HasNoChildren \\Sent) "." "Sent"',
      '* LIST (\\HasNoChildren \\Trash) "." "Trash"',
    ]);
    expect((await client.command('LIST (SUBSCRIBED RECURSIVEMATCH) "" %')).untagged).toContain(
      '* LIST (\\HasChildren) "." "Projects" ("CHILDINFO" ("SUBSCRIBED"))',
    );
    expect(
      (await client.command('LIST "" ("inbox" "Projects") RETURN (STATUS (MESSAGES))')).untagged,
    ).toEqual([
      '* LIST (\\HasNoChildren) "." "INBOX"',
      expect.stringMatching(/^\* STATUS "INBOX" \(MESSAGES \d+\)$/),
      '* LIST (\\HasChildren) "." "Projects"',
      '* STATUS "Projects" (MESSAGES 0)',
    ]);
    expect((await client.command('LSUB "" Projects.*')).untagged).toEqual(['* LSUB () "." "Projects.2026"']);
    expect((await client.command('LSUB "" %')).untagged).toContain('* LSUB (\\Noselect) "." "Projects"');
    expect((await client.command('LIST "" ""')).untagged).toEqual(['* LIST (\\Noselect) "." ""']);
    expect((await client.command('DELETE Projects')).tagged).toMatch(/^NO \[CANNOT\] .*subfolders/);
    expect((await client.command('RENAME Projects.Old Projects.2025')).tagged).toBe('OK RENAME completed');
    expect((await client.command('DELETE INBOX')).tagged).toBe('NO [CANNOT] INBOX cannot be deleted');
    expect((await client.command('CREATE inbox')).tagged).toBe('NO [ALREADYEXISTS] INBOX always exists');
    expect((await client.command('CREATE Projects.2026')).tagged).toMatch(/^NO \[ALREADYEXISTS\]/);
    client.close();
  });

  it('says BYE to a session whose selected folder another session deletes', async () => {
    const victim = await login(imap.server.port, 'hanako@univ.example');
    const other = await login(imap.server.port, 'hanako@univ.example');
    await victim.command('CREATE Doomed');
    await append(victim, 'Doomed', message('doomed'));
    await victim.command('SELECT Doomed');
    expect((await other.command('DELETE Doomed')).tagged).toBe('OK DELETE completed');
    victim.send('d1 NOOP\r\n');
    expect(await victim.readLine()).toBe('* BYE The selected mailbox was deleted by another session');
    await victim.waitClosed();
    other.close();
  });

  it('searches Japanese text sent in ISO-2022-JP, Shift_JIS and EUC-JP as well as UTF-8', async () => {
    const client = await login(imap.server.port, 'jiro@univ.example');
    await client.command('CREATE Japanese');
    client.send(
      Buffer.concat([
        Buffer.from(`a1 APPEND Japanese {${japaneseMessage.length}+}\r\n`),
        japaneseMessage,
        Buffer.from('\r\n'),
      ]),
    );
    expect((await client.readUntilTagged('a1')).at(-1)).toMatch(/^a1 OK \[APPENDUID/);
    await append(client, 'Japanese', message('plain english'));
    await client.command('SELECT Japanese');
    const search = async (charset: string, key: string, bytes: Buffer): Promise<string[]> => {
      client.send(
        Buffer.concat([
          Buffer.from(`j1 SEARCH CHARSET ${charset} ${key} {${bytes.length}+}\r\n`),
          bytes,
          Buffer.from('\r\n'),
        ]),
      );
      return client.readUntilTagged('j1');
    };
    expect(await search('UTF-8', 'SUBJECT', Buffer.from('会議'))).toEqual([
      '* SEARCH 1',
      'j1 OK SEARCH completed',
    ]);
    expect(await search('ISO-2022-JP', 'SUBJECT', Buffer.from('1b2442327135441b2842', 'hex'))).toEqual([
      '* SEARCH 1',
      'j1 OK SEARCH completed',
    ]);
    expect(await search('Shift_JIS', 'FROM', Buffer.from('89ef8b63', 'hex'))).toEqual([
      '* SEARCH 1',
      'j1 OK SEARCH completed',
    ]);
    expect(await search('EUC-JP', 'BODY', Buffer.from('a4b3a4f3a4cba4c1a4cf', 'hex'))).toEqual([
      '* SEARCH 1',
      'j1 OK SEARCH completed',
    ]);
    expect(await search('UTF-8', 'TEXT', Buffer.from('ENGLISH'))).toEqual([
      '* SEARCH 2',
      'j1 OK SEARCH completed',
    ]);
    client.close();
  });

  it('answers CAPABILITY, NAMESPACE, ID and ENABLE', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    expect(client.greeting).toMatch(
      /^\* OK \[CAPABILITY IMAP4rev1 LITERAL\+ SASL-IR ID ENABLE IDLE .*AUTH=PLAIN\] /,
    );
    expect((await client.command('ID NIL')).untagged).toEqual([
      '* ID ("name" "mailfleet" "vendor" "mailfleet")',
    ]);
    expect((await client.command('ID ("name" "test" "version" NIL)')).tagged).toBe('OK ID completed');
    expect((await client.command('ID ("odd")')).tagged).toMatch(/^BAD ID takes NIL or up to 30/);
    await client.login('taro@univ.example', testUsers['taro@univ.example']!);
    const capability = (await client.command('CAPABILITY')).untagged[0];
    expect(capability).toBe(
      '* CAPABILITY IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT CHILDREN LIST-EXTENDED LIST-STATUS SPECIAL-USE UIDPLUS MOVE QUOTA QUOTA=RES-STORAGE ESEARCH SEARCHRES SORT SORT=DISPLAY ESORT THREAD=REFERENCES THREAD=ORDEREDSUBJECT BINARY MULTIAPPEND CATENATE COMPRESS=DEFLATE CREATE-SPECIAL-USE CONDSTORE QRESYNC APPENDLIMIT=52428800',
    );
    expect((await client.command('NAMESPACE')).untagged).toEqual(['* NAMESPACE (("" ".")) NIL NIL']);
    expect((await client.command('ENABLE CONDSTORE X-UNKNOWN')).untagged).toEqual(['* ENABLED CONDSTORE']);
    client.close();
  });

  it('lists sessions, kicks a user, and counts logins and commands', async () => {
    const { logins, commands } = imap.server.counters;
    const a = await login(imap.server.port, 'jiro@univ.example');
    const b = await login(imap.server.port, 'jiro@univ.example');
    const anonymous = await RawImapClient.connect(imap.server.port);
    const mine = imap.server.sessions().filter((session) => session.user === 'jiro@univ.example');
    expect(mine).toHaveLength(2);
    expect(mine[0]).toMatchObject({ protocol: 'imap', clientAddress: '127.0.0.1', secure: false });
    expect(typeof mine[0]!.since).toBe('number');
    expect(imap.server.sessions().some((session) => session.user === undefined)).toBe(true);
    expect(imap.server.counters.logins).toBe(logins + 2);
    expect(imap.server.kick('jiro@univ.example')).toBe(2);
    expect(await a.readLine()).toBe('* BYE Session closed by the administrator');
    expect(await b.readLine()).toBe('* BYE Session closed by the administrator');
    await a.waitClosed();
    await b.waitClosed();
    expect(imap.server.sessions().filter((session) => session.user === 'jiro@univ.example')).toEqual([]);
    expect((await anonymous.command('NOOP')).tagged).toBe('OK NOOP completed');
    expect(imap.server.counters.commands).toBeGreaterThan(commands);
    anonymous.close();
  });
});
