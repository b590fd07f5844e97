/**
 * Changes another program makes to a Maildir while the store runs (an rsync, a restore, a mail
 * reader on the same files), made here with plain file operations from Python and watched with
 * Python's imaplib: files added to new/ and cur/ appear at the next NOOP or SELECT with UIDs
 * appended to dovecot-uidlist, a rename to other flag letters is a flag change, a removed file an
 * expunge; an IDLE session wakes up by itself; an LMTP-style delivery numbers them first.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ImapTestServer, startImapTestServer, testUsers } from '../imap/support/imap-test-server.js';

const run = promisify(execFile);

const pythonSession = String.raw`
import imaplib, json, os, sys, time
port, user, password, maildir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
out = {}
def message(subject):
    return ('From: other@univ.example\r\nSubject: %s\r\n\r\nput here by another program\r\n' % subject).encode()
def put(subdir, name, subject):
    # As a Maildir writer does: tmp/ first, then a rename into place.
    tmp = os.path.join(maildir, 'tmp', name.split(':')[0])
    with open(tmp, 'wb') as f:
        f.write(message(subject))
    os.rename(tmp, os.path.join(maildir, subdir, name))
def untagged(m, kind):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in m.response(kind)[1] if x is not None]

m = imaplib.IMAP4('127.0.0.1', port)
m.login(user, password)
out['select_before'] = m.select('INBOX')[1][0].decode()
m.untagged_responses.clear()
put('new', '1767225600.M1P1Q1.other', 'dropped into new')
put('cur', '1767225601.M2P1Q1.other:2,S', 'dropped into cur, seen')
m.noop()
out['noop_exists'] = untagged(m, 'EXISTS')
out['fetch'] = [x.decode() for x in m.uid('FETCH', '1:*', '(FLAGS)')[1]]
# Flags changed by a rename, as a mail reader on the same files would.
os.rename(os.path.join(maildir, 'cur', '1767225601.M2P1Q1.other:2,S'), os.path.join(maildir, 'cur', '1767225601.M2P1Q1.other:2,FS'))
m.noop()
out['noop_flags'] = untagged(m, 'FETCH')
# A file removed: an expunge.
os.unlink(os.path.join(maildir, 'cur', '1767225601.M2P1Q1.other:2,FS'))
m.noop()
out['noop_expunge'] = untagged(m, 'EXPUNGE')
# IDLE: a file dropped while idling wakes the session without a command.
tag = m._new_tag().decode()
m.send(('%s IDLE\r\n' % tag).encode())
out['idle_start'] = m.readline().decode().strip()
put('new', '1767225602.M3P1Q1.other', 'dropped while idling')
deadline = time.time() + 20
woke = []
while time.time() < deadline:
    line = m.readline().decode().strip()
    woke.append(line)
    if line.endswith('EXISTS'):
        break
out['idle_woke'] = woke
m.send(b'DONE\r\n')
while not m.readline().decode().startswith(tag):
    pass
# A fresh SELECT in another connection sees the same messages.
other = imaplib.IMAP4('127.0.0.1', port)
other.login(user, password)
out['select_other'] = other.select('INBOX')[1][0].decode()
out['subjects'] = [x[1].decode().strip() for x in other.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')[1] if isinstance(x, tuple)]
other.logout()
m.logout()
print(json.dumps(out))
`;

describe('Maildir changes made by another program while the store runs', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer({ limits: { idleCheckIntervalMs: 200 } });
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('shows files added, renamed and removed at NOOP, SELECT and in IDLE, numbered in dovecot-uidlist', async () => {
    const user = 'taro@univ.example';
    const mailbox = await imap.storage.mailbox(user, 0);
    await mailbox.append('INBOX', Buffer.from('Subject: first\r\n\r\nvia the store\r\n'));
    const maildir = join(imap.dir, 'mail', 'univ.example', 'taro', 'Maildir');
    const { stdout } = await run('python3', [
      '-c',
      pythonSession,
      String(imap.server.port),
      user,
      testUsers[user]!,
      maildir,
    ]);
    const out = JSON.parse(stdout) as Record<string, string | string[]>;
    expect(out.select_before).toBe('1');
    expect(out.noop_exists).toEqual(['3']);
    expect(out.fetch).toEqual([
      expect.stringMatching(/^1 \(UID 1 FLAGS \(\\Recent\)\)$/),
      expect.stringMatching(/^2 \(UID 2 FLAGS \(\\Recent\)\)$/),
      expect.stringMatching(/^3 \(UID 3 FLAGS \(\\Seen \\Recent\)\)$/),
    ]);
    expect(out.noop_flags).toEqual([
      expect.stringMatching(/^3 \(FLAGS \(\\Flagged \\Seen \\Recent\) UID 3\)$/),
    ]);
    expect(out.noop_expunge).toEqual(['3']);
    expect(out.idle_start).toMatch(/^\+/);
    expect(out.idle_woke).toContain('* 3 EXISTS');
    expect(out.select_other).toBe('3');
    expect(out.subjects).toEqual([
      'Subject: first',
      'Subject: dropped into new',
      'Subject: dropped while idling',
    ]);
    // UIDs are in dovecot-uidlist as Dovecot numbers them: appended records, in order.
    const uidlist = await readFile(join(maildir, 'dovecot-uidlist'), 'utf8');
    expect(uidlist).toMatch(
      /\n2 :1767225600\.M1P1Q1\.other\n3 :1767225601\.M2P1Q1\.other\n4 :1767225602\.M3P1Q1\.other\n$/,
    );
  }, 60_000);

  it('numbers a file another program put in new/ before the next delivery', async () => {
    const user = 'hanako@univ.example';
    const mailbox = await imap.storage.mailbox(user, 0);
    const first = await mailbox.append('INBOX', Buffer.from('Subject: one\r\n\r\nfirst\r\n'));
    const maildir = join(imap.dir, 'mail', 'univ.example', 'hanako', 'Maildir');
    await writeFile(
      join(maildir, 'tmp', '1767225700.M1P2Q1.restore'),
      'Subject: restored\r\n\r\nfrom backup\r\n',
    );
    await run('mv', [join(maildir, 'tmp', '1767225700.M1P2Q1.restore'), join(maildir, 'new')]);
    const delivered = await mailbox.append('INBOX', Buffer.from('Subject: two\r\n\r\nsecond\r\n'));
    expect(delivered.uid).toBe(first.uid + 2);
    const uidlist = await readFile(join(maildir, 'dovecot-uidlist'), 'utf8');
    expect(uidlist).toContain(`\n${first.uid + 1} :1767225700.M1P2Q1.restore\n`);
    const status = await mailbox.folderStatus('INBOX');
    expect(status.messages).toBe(3);
    expect((await mailbox.quota()).messages).toBe(3);
  });
});
