import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, message, removeTempDir } from './maildir-test-support.js';

const user = 'hanako.sato@eng.univ.example';

describe('loaded folders within a byte budget', () => {
  let root: string;
  let storage: MaildirStorage;

  beforeEach(async () => {
    root = await makeTempDir();
  });
  afterEach(async () => {
    await storage.close();
    await removeTempDir(root);
  });

  it('drops folders no session has open, least recently used first, and never an open one', async () => {
    // Room for about one small folder: every other idle one must go.
    storage = new MaildirStorage({ root, hostName: 'store01', folderCacheBytes: 12 * 1024 });
    const mailbox = await storage.mailbox(user, 0);
    for (const folder of ['INBOX', 'Sent', 'Drafts']) await mailbox.append(folder, message(folder));
    const open = await mailbox.openFolder('INBOX');
    await mailbox.folderStatus('Sent');
    await mailbox.folderStatus('Drafts');
    expect(storage.folders.dropped).toBeGreaterThanOrEqual(2);
    // INBOX stayed (a session has it open): it was not loaded again, it answers from memory.
    const loads = storage.stats.foldersLoaded;
    expect((await mailbox.folderStatus('INBOX')).messages).toBe(1);
    expect(open.list().length).toBe(1);
    expect(storage.stats.foldersLoaded).toBe(loads);
    // Sent was dropped and comes back from the Maildir as it was.
    expect((await mailbox.folderStatus('Sent')).messages).toBe(1);
    expect(storage.stats.foldersLoaded).toBe(loads + 1);
    expect(storage.folders.bytes).toBeGreaterThan(0);
    open.close();
  });

  it('a dropped folder comes back with its UIDs, a higher UIDNEXT, no lower HIGHESTMODSEQ and its \\Recent', async () => {
    storage = new MaildirStorage({ root, hostName: 'store01', folderCacheBytes: 1 });
    const mailbox = await storage.mailbox(user, 0);
    // With flags it goes to cur/: \Recent lives in memory only, and must survive the drop.
    const kept = await mailbox.append('Sent', message('kept'), { flags: ['\\Seen'] });
    const view = await mailbox.openFolder('Sent');
    await view.setFlags([kept.uid], 'add', ['\\Flagged']);
    const before = await mailbox.folderStatus('Sent');
    view.close();
    const loads = storage.stats.foldersLoaded;
    // Loading another folder puts the storage over its budget: Sent, idle, is dropped.
    await mailbox.folderStatus('Drafts');
    const after = await mailbox.folderStatus('Sent');
    expect(storage.stats.foldersLoaded).toBeGreaterThan(loads);
    expect(after.uidValidity).toBe(before.uidValidity);
    expect(after.uidNext).toBe(before.uidNext);
    expect(after.highestModseq).toBeGreaterThanOrEqual(before.highestModseq);
    expect(after.recent).toBe(1);
    const again = await mailbox.openFolder('Sent');
    expect(again.messages().map((m) => [m.uid, m.flags])).toEqual([[kept.uid, ['\\Flagged', '\\Seen']]]);
    expect(await again.claimRecent()).toEqual([kept.uid]);
    again.close();
    const next = await mailbox.append('Sent', message('next'));
    expect(next.uid).toBe(kept.uid + 1);
    expect((await mailbox.folderStatus('Sent')).highestModseq).toBeGreaterThan(after.highestModseq);
  });

  it('a session keeps its list (sequence numbers, flags, expunged messages) until it refreshes', async () => {
    storage = new MaildirStorage({ root, hostName: 'store01' });
    const mailbox = await storage.mailbox(user, 0);
    for (const subject of ['a', 'b', 'c', 'd']) await mailbox.append('INBOX', message(subject));
    const one = await mailbox.openFolder('INBOX');
    const two = await mailbox.openFolder('INBOX');
    const list = one.list();
    await two.setFlags([1], 'add', ['$Label1']);
    await two.setFlags([2, 3], 'add', ['\\Deleted']);
    await two.expunge([2]);
    await mailbox.append('INBOX', message('e'));
    // As of its last refresh: message 2 still there, message 1 without the keyword, no message 5.
    expect(Array.from({ length: list.length }, (_, i) => list.uid(i))).toEqual([1, 2, 3, 4]);
    expect(list.flags(0)).toEqual([]);
    expect(list.at(1).size).toBe(message('b').length);
    expect(list.indexOf(3)).toBe(2);
    expect(await one.read(2).catch((error: Error) => error.message)).toMatch(/no message with UID 2/);
    // The session's own change shows at once and is not reported to it again.
    await one.setFlags([4], 'add', ['\\Seen']);
    expect(one.list().flags(3)).toEqual(['\\Seen']);
    const changes = await one.refresh();
    expect(changes.expunged).toEqual([2]);
    expect(changes.added.map((m) => m.uid)).toEqual([5]);
    expect(changes.flagsChanged.map((m) => [m.uid, m.flags])).toEqual([
      [1, ['$Label1']],
      [3, ['\\Deleted']],
    ]);
    const now = one.list();
    expect(Array.from({ length: now.length }, (_, i) => now.uid(i))).toEqual([1, 3, 4, 5]);
    // The list taken before the refresh still names the same messages at the same places.
    expect(list.uid(1)).toBe(2);
    // Its own expunge leaves its list at once; the other session hears of it at its refresh.
    await one.expunge([3]);
    expect(one.list().indexOf(3)).toBe(-1);
    expect(two.list().indexOf(3)).toBe(1);
    expect((await two.refresh()).expunged).toEqual([3]);
    expect(await one.refresh()).toEqual({ added: [], flagsChanged: [], expunged: [] });
    one.close();
    two.close();
  });
});
