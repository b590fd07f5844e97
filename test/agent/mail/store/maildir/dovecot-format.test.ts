/**
 * Format test: a Maildir written by MaildirStorage is served by a real Dovecot (Debian's
 * dovecot-imapd, started here in the foreground) and read with imapflow: the same folders
 * (Japanese names included), subscriptions, messages byte for byte, flags and keywords, dates,
 * sizes, and the same UIDs and UIDVALIDITY. Then the other way: what Dovecot changes in that
 * Maildir (a new folder, an APPEND with a keyword, flag changes, an expunge) is what
 * MaildirStorage reads back, with Dovecot's UIDs.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSummary } from '../../../../../agent/mail/store/mail-storage.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { type DovecotImapServer, startDovecotImap } from '../../../../support/dovecot-imap-server.js';
import { loopbackImapFlow } from '../../../../support/loopback-imapflow.js';
import { makeTempDir, removeTempDir } from './maildir-test-support.js';

const user = 'taro@eng.univ.example';
const password = 'format-test-password';

interface FolderContent {
  uidValidity: number;
  uidNext: number;
  messages: { uid: number; flags: string[]; size: number; internalDate: number; source: string }[];
}

function mail(subject: string, extra = ''): Buffer {
  return Buffer.from(
    `From: Hanako <hanako@sci.univ.example>\r\nTo: ${user}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@format>\r\n` +
      `MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${extra}こんにちは ${subject}\r\n`,
  );
}

/** Everything MaildirStorage says about the user's folders. */
async function readWithStorage(root: string): Promise<Map<string, FolderContent>> {
  const storage = new MaildirStorage({ root, hostName: 'store01' });
  const mailbox = await storage.mailbox(user, 0);
  const result = new Map<string, FolderContent>();
  for (const folder of await mailbox.listFolders()) {
    const view = await mailbox.openFolder(folder.name);
    const messages = await Promise.all(
      view.messages().map(async (m: MessageSummary) => ({
        uid: m.uid,
        flags: [...m.flags].sort(),
        size: m.size,
        internalDate: Math.floor(m.internalDate.getTime() / 1000),
        source: (await view.read(m.uid)).toString('utf8'),
      })),
    );
    result.set(folder.name, { uidValidity: view.uidValidity, uidNext: view.uidNext(), messages });
    view.close();
  }
  await storage.close();
  return result;
}

/** Everything Dovecot says over IMAP, read with imapflow. */
async function readWithImap(
  port: number,
): Promise<{ folders: Map<string, FolderContent>; subscribed: string[] }> {
  const client = loopbackImapFlow(port, user, password);
  await client.connect();
  const folders = new Map<string, FolderContent>();
  const list = await client.list();
  for (const entry of list) {
    const lock = await client.getMailboxLock(entry.path);
    try {
      const box = client.mailbox;
      if (!box) throw new Error('no mailbox selected');
      const messages: FolderContent['messages'] = [];
      if (box.exists > 0) {
        for await (const m of client.fetch('1:*', {
          uid: true,
          flags: true,
          internalDate: true,
          size: true,
          source: true,
        })) {
          messages.push({
            uid: m.uid,
            // \Recent is per session (messages our storage left in new/ are \Recent to Dovecot's).
            flags: [...(m.flags ?? [])].filter((flag) => flag !== '\\Recent').sort(),
            size: m.size ?? -1,
            internalDate: Math.floor(new Date(m.internalDate ?? 0).getTime() / 1000),
            source: m.source?.toString('utf8') ?? '',
          });
        }
      }
      folders.set(entry.path, { uidValidity: Number(box.uidValidity), uidNext: box.uidNext, messages });
    } finally {
      lock.release();
    }
  }
  const subscribed = list
    .filter((e) => e.subscribed)
    .map((e) => e.path)
    .sort();
  await client.logout();
  return { folders, subscribed };
}

describe('Maildir format: Dovecot serves what MaildirStorage wrote', () => {
  let root: string;
  let work: string;
  let dovecot: DovecotImapServer | undefined;
  let ours: Map<string, FolderContent>;

  beforeAll(async () => {
    work = await makeTempDir('dovecot-format-');
    root = join(work, 'mail');
    const storage = new MaildirStorage({ root, hostName: 'store01' });
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', mail('plain'));
    await mailbox.append('INBOX', mail('seen'), {
      flags: ['\\Seen'],
      internalDate: new Date('2026-04-01T09:30:00Z'),
    });
    await mailbox.append('INBOX', mail('flagged'), { flags: ['\\Flagged', '\\Answered', '$Forwarded'] });
    await mailbox.append('INBOX', mail('deleted'), { flags: ['\\Deleted', '\\Seen'] });
    await mailbox.append('INBOX', Buffer.from('Subject: lf endings\n\nbody\n'));
    await mailbox.createFolder('研究室.2026');
    await mailbox.append('研究室.2026', mail('lab one'), { flags: ['\\Draft', 'project-x'] });
    await mailbox.append('研究室.2026', mail('lab two'));
    await mailbox.append('研究室.2026', mail('lab three'), { flags: ['\\Seen'] });
    await mailbox.createFolder('Lists');
    await mailbox.setSubscribed('Lists', true);
    await mailbox.setSubscribed('研究室.2026', true);
    await mailbox.setSubscribed('Junk', false);
    const lab = await mailbox.openFolder('研究室.2026');
    await lab.setFlags([2], 'add', ['\\Deleted']);
    await lab.expunge();
    await lab.copy([1], 'Trash');
    await lab.setFlags([3], 'add', ['$Forwarded', '\\Answered']);
    lab.close();
    await storage.close();
    // Read (and so index) every folder before Dovecot gets the files.
    ours = await readWithStorage(root);
    dovecot = await startDovecotImap(work, root, [{ address: user, password }]);
  });
  afterAll(async () => {
    await dovecot?.stop();
    await removeTempDir(work);
  });

  it('shows the same folders, subscriptions, messages, flags, sizes, dates and UIDs', async () => {
    const theirs = await readWithImap(dovecot!.port);
    expect([...theirs.folders.keys()].sort()).toEqual([...ours.keys()].sort());
    expect([...ours.keys()]).toContain('研究室.2026');
    // imapflow counts INBOX as subscribed; Junk was unsubscribed; 研究室 (the parent) never was.
    expect(theirs.subscribed).toEqual(['Drafts', 'INBOX', 'Lists', 'Sent', 'Trash', '研究室.2026']);
    for (const [name, content] of ours) {
      const served = theirs.folders.get(name)!;
      expect(served.uidValidity, `${name} UIDVALIDITY`).toBe(content.uidValidity);
      expect(served.uidNext, `${name} UIDNEXT`).toBe(content.uidNext);
      expect(served.messages, `${name} messages`).toEqual(content.messages);
    }
    const inbox = theirs.folders.get('INBOX')!.messages;
    expect(inbox.map((m) => m.flags)).toEqual([
      [],
      ['\\Seen'],
      ['$Forwarded', '\\Answered', '\\Flagged'],
      ['\\Deleted', '\\Seen'],
      [],
    ]);
    expect(inbox[1]!.internalDate).toBe(Date.parse('2026-04-01T09:30:00Z') / 1000);
    expect(inbox[4]!.source).toBe('Subject: lf endings\r\n\r\nbody\r\n');
    expect(theirs.folders.get('研究室.2026')!.messages.map((m) => [m.uid, m.flags])).toEqual([
      [1, ['\\Draft', 'project-x']],
      [3, ['$Forwarded', '\\Answered', '\\Seen']],
    ]);
  });

  it('reads back what Dovecot changed: a new Japanese folder, an APPEND with a keyword, flags, an expunge', async () => {
    const client = loopbackImapFlow(dovecot!.port, user, password);
    await client.connect();
    await client.mailboxCreate('共有.メモ');
    await client.mailboxSubscribe('共有.メモ');
    const appended = await client.append(
      '共有.メモ',
      mail('from dovecot'),
      ['\\Seen', '$Label1'],
      new Date('2026-05-05T05:05:05Z'),
    );
    const lock = await client.getMailboxLock('INBOX');
    await client.messageFlagsAdd({ uid: '1' }, ['\\Seen', 'dovecot-keyword'], { uid: true });
    await client.messageFlagsRemove({ uid: '3' }, ['\\Flagged'], { uid: true });
    await client.messageDelete({ uid: '4' }, { uid: true });
    lock.release();
    await client.logout();
    await dovecot!.stop();
    dovecot = undefined;

    const after = await readWithStorage(root);
    const memo = after.get('共有.メモ');
    expect(memo?.messages.map((m) => [m.uid, m.flags, m.internalDate])).toEqual([
      [
        appended && 'uid' in appended ? appended.uid : -1,
        ['$Label1', '\\Seen'],
        Date.parse('2026-05-05T05:05:05Z') / 1000,
      ],
    ]);
    expect(memo?.messages[0]?.source).toBe(mail('from dovecot').toString('utf8'));
    const inbox = after.get('INBOX')!.messages;
    expect(inbox.map((m) => [m.uid, m.flags])).toEqual([
      [1, ['\\Seen', 'dovecot-keyword']],
      [2, ['\\Seen']],
      [3, ['$Forwarded', '\\Answered']],
      [5, []],
    ]);
    // Our next delivery continues Dovecot's UID sequence.
    const storage = new MaildirStorage({ root, hostName: 'store01' });
    const mailbox = await storage.mailbox(user, 0);
    expect((await mailbox.append('共有.メモ', mail('after'))).uid).toBe(memo!.uidNext);
    expect((await mailbox.listFolders()).find((f) => f.name === '共有.メモ')?.subscribed).toBe(true);
    await storage.close();
  });
});
