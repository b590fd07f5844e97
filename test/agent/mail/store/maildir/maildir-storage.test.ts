import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailStorageError } from '../../../../../agent/mail/store/mail-storage.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, message, removeTempDir } from './maildir-test-support.js';

const user = 'taro.yamada@eng.univ.example';

describe('MaildirStorage', () => {
  let root: string;
  let storage: MaildirStorage;

  beforeEach(async () => {
    root = await makeTempDir();
    storage = new MaildirStorage({ root, hostName: 'store01' });
  });
  afterEach(async () => {
    await storage.close();
    await removeTempDir(root);
  });

  it('creates the Maildir++ layout with special-use folders, subscribed, on first open', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const maildir = join(root, 'eng.univ.example', 'taro.yamada', 'Maildir');
    const entries = await readdir(maildir);
    for (const name of ['cur', 'new', 'tmp', '.Drafts', '.Sent', '.Trash', '.Junk', 'subscriptions']) {
      expect(entries).toContain(name);
    }
    const folders = await mailbox.listFolders();
    expect(folders.map((f) => f.name)).toEqual(['INBOX', 'Drafts', 'Junk', 'Sent', 'Trash']);
    expect(folders.find((f) => f.name === 'Sent')).toEqual({
      name: 'Sent',
      subscribed: true,
      specialUse: '\\Sent',
    });
  });

  it('creates a missing special-use folder again when the mailbox is next loaded', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.deleteFolder('Trash');
    await mailbox.setSubscribed('Sent', false);
    expect((await mailbox.listFolders()).map((f) => f.name)).not.toContain('Trash');
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01' });
    const folders = await (await storage.mailbox(user, 0)).listFolders();
    expect(folders.find((f) => f.name === 'Trash')).toEqual({
      name: 'Trash',
      subscribed: true,
      specialUse: '\\Trash',
    });
    // An existing one keeps the user's choice.
    expect(folders.find((f) => f.name === 'Sent')?.subscribed).toBe(false);
  });

  it('appends, lists and reads messages with CRLF bytes and stable UIDs', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const first = await mailbox.append('INBOX', Buffer.from('Subject: one\n\nbody one\n'));
    const second = await mailbox.append('inbox', message('two'), { flags: ['\\Seen'] });
    expect(first.uid).toBe(1);
    expect(second.uid).toBe(2);
    expect(second.uidValidity).toBe(first.uidValidity);
    const view = await mailbox.openFolder('INBOX');
    expect(view.messages().map((m) => m.uid)).toEqual([1, 2]);
    const bytes = await view.read(1);
    expect(bytes.toString()).toBe('Subject: one\r\n\r\nbody one\r\n');
    expect(view.messages()[0]!.size).toBe(bytes.length);
    expect(view.messages()[1]!.flags).toEqual(['\\Seen']);
    expect(view.uidNext()).toBe(3);
    view.close();
  });

  it('stores flags in file names and keywords in dovecot-keywords', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', message('x'));
    const view = await mailbox.openFolder('INBOX');
    const [state] = await view.setFlags([1], 'add', [
      '\\Flagged',
      '\\Seen',
      '\\Answered',
      '\\Deleted',
      '$Forwarded',
    ]);
    expect(new Set(state!.flags)).toEqual(
      new Set(['\\Flagged', '\\Seen', '\\Answered', '\\Deleted', '$Forwarded']),
    );
    const maildir = join(root, 'eng.univ.example', 'taro.yamada', 'Maildir');
    const [file] = await readdir(join(maildir, 'cur'));
    expect(file).toMatch(/,S=\d+,W=\d+:2,FRSTa$/);
    expect(await readFile(join(maildir, 'dovecot-keywords'), 'utf8')).toBe('0 $Forwarded\n');
    const [removed] = await view.setFlags([1], 'remove', ['\\Deleted', '$forwarded']);
    expect(new Set(removed!.flags)).toEqual(new Set(['\\Flagged', '\\Seen', '\\Answered']));
    const [replaced] = await view.setFlags([1], 'replace', ['\\Draft']);
    expect(replaced!.flags).toEqual(['\\Draft']);
    view.close();
  });

  it('reports changes made by other sessions in refresh()', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', message('a'));
    await mailbox.append('INBOX', message('b'));
    const one = await mailbox.openFolder('INBOX');
    const two = await mailbox.openFolder('INBOX');
    const heard: string[] = [];
    const stop = mailbox.onChange((folder) => heard.push(folder));
    await two.setFlags([1], 'add', ['\\Deleted']);
    await two.expunge();
    await mailbox.append('INBOX', message('c'));
    await two.setFlags([2], 'add', ['\\Seen']);
    const changes = await one.refresh();
    expect(changes.expunged).toEqual([1]);
    expect(changes.added.map((m) => m.uid)).toEqual([3]);
    expect(changes.flagsChanged.map((m) => [m.uid, m.flags])).toEqual([[2, ['\\Seen']]]);
    expect(one.messages().map((m) => m.uid)).toEqual([2, 3]);
    expect(await one.refresh()).toEqual({ added: [], flagsChanged: [], expunged: [] });
    // The session that made the change does not hear its own flag change again.
    expect((await two.refresh()).flagsChanged).toEqual([]);
    expect(heard.length).toBeGreaterThanOrEqual(3);
    stop();
    one.close();
    two.close();
  });

  it('copies and moves with UIDPLUS maps, keeping flags and keywords', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', message('a'), { flags: ['\\Seen', 'project-x'] });
    await mailbox.append('INBOX', message('b'));
    const inbox = await mailbox.openFolder('INBOX');
    const copied = await inbox.copy([1, 2, 99], 'Trash');
    expect([...copied.entries()]).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const moved = await inbox.move([2], 'Sent');
    expect([...moved.entries()]).toEqual([[2, 1]]);
    expect(inbox.messages().map((m) => m.uid)).toEqual([1]);
    const trash = await mailbox.openFolder('Trash');
    expect(trash.messages()[0]!.flags).toEqual(['\\Seen', 'project-x']);
    expect((await trash.read(1)).toString()).toBe((await inbox.read(1)).toString());
    const sent = await mailbox.openFolder('Sent');
    expect((await sent.read(1)).toString()).toContain('Subject: b');
    await expect(inbox.copy([1], 'Nowhere')).rejects.toMatchObject({ code: 'no-such-folder' });
    expect((await mailbox.quota()).messages).toBe(4);
    for (const view of [inbox, trash, sent]) view.close();
  });

  it('creates, renames and deletes folders, with Japanese names stored in modified UTF-7', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.createFolder('研究室.2026');
    await expect(mailbox.createFolder('研究室.2026')).rejects.toMatchObject({ code: 'folder-exists' });
    const maildir = join(root, 'eng.univ.example', 'taro.yamada', 'Maildir');
    const entries = await readdir(maildir);
    expect(entries).toContain('.&eBR6dluk-');
    expect(entries).toContain('.&eBR6dluk-.2026');
    await mailbox.append('研究室.2026', message('lab'));
    await mailbox.renameFolder('研究室', 'Lab');
    const names = (await mailbox.listFolders()).map((f) => f.name);
    expect(names).toContain('Lab.2026');
    expect(names).not.toContain('研究室');
    const view = await mailbox.openFolder('Lab.2026');
    expect(view.messages()).toHaveLength(1);
    view.close();
    await expect(mailbox.deleteFolder('Lab')).rejects.toMatchObject({ code: 'has-children' });
    await mailbox.deleteFolder('Lab.2026');
    await mailbox.deleteFolder('Lab');
    await expect(mailbox.deleteFolder('INBOX')).rejects.toBeInstanceOf(MailStorageError);
    await expect(mailbox.openFolder('Lab')).rejects.toMatchObject({ code: 'no-such-folder' });
    expect((await mailbox.quota()).messages).toBe(0);
  });

  it('refuses bad folder names', async () => {
    const mailbox = await storage.mailbox(user, 0);
    for (const bad of ['', 'a..b', '.a', 'a.', 'a/b', 'nul\u0000', 'tab\t', 'x*', 'x%']) {
      await expect(mailbox.createFolder(bad)).rejects.toMatchObject({ code: 'bad-folder-name' });
    }
  });

  it('keeps subscriptions', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.createFolder('Lists');
    await mailbox.setSubscribed('Lists', true);
    await mailbox.setSubscribed('Trash', false);
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01' });
    const again = await storage.mailbox(user, 0);
    const folders = await again.listFolders();
    expect(folders.find((f) => f.name === 'Lists')?.subscribed).toBe(true);
    expect(folders.find((f) => f.name === 'Trash')?.subscribed).toBe(false);
  });

  it('checks quota the same way for delivery, APPEND and COPY, and tracks usage', async () => {
    const one = message('q', 400);
    const mailbox = await storage.mailbox(user, one.length * 2 + 10);
    await mailbox.append('INBOX', one);
    await mailbox.append('INBOX', one);
    await expect(mailbox.append('INBOX', one)).rejects.toMatchObject({ code: 'over-quota' });
    const view = await mailbox.openFolder('INBOX');
    await expect(view.copy([1], 'Trash')).rejects.toMatchObject({ code: 'over-quota' });
    expect(await mailbox.quota()).toEqual({
      usedBytes: one.length * 2,
      messages: 2,
      limitBytes: one.length * 2 + 10,
    });
    // A move does not grow the mailbox.
    await view.move([1], 'Trash');
    await view.setFlags([2], 'add', ['\\Deleted']);
    await view.expunge();
    expect((await mailbox.quota()).usedBytes).toBe(one.length);
    view.close();
    // The figures survive a restart (maildirsize) and match a recount.
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01' });
    const again = await storage.mailbox(user, one.length * 2 + 10);
    expect(await again.quota()).toEqual({
      usedBytes: one.length,
      messages: 1,
      limitBytes: one.length * 2 + 10,
    });
  });

  it('concurrent deliveries get distinct increasing UIDs and all fit a tight quota exactly', async () => {
    const one = message('c', 300);
    const mailbox = await storage.mailbox(user, one.length * 10);
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => mailbox.append('INBOX', one)));
    const ok = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.uid);
    expect(ok).toHaveLength(10);
    expect(new Set(ok).size).toBe(10);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(15);
  });

  it('commits concurrent deliveries to one folder together (group commit)', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const before = { ...storage.stats };
    const uids = await Promise.all(
      Array.from({ length: 40 }, (_, i) => mailbox.append('INBOX', message(`g${i}`))),
    );
    expect(uids.map((r) => r.uid).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const commits = storage.stats.commits - before.commits;
    expect(storage.stats.committedMessages - before.committedMessages).toBe(40);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(40);
  });

  it('lists mailboxes with size, count, quota and last login', async () => {
    const mailbox = await storage.mailbox(user, 1_000_000);
    await mailbox.append('INBOX', message('x'));
    await storage.mailbox('hanako@sci.univ.example', 0);
    await storage.recordLogin(user, 1_764_300_000_000);
    const list = await storage.listMailboxes();
    expect(list.map((m) => m.user)).toEqual(['hanako@sci.univ.example', user]);
    expect(list[1]).toMatchObject({ messages: 1, quotaBytes: 1_000_000, lastLoginAt: 1_764_300_000_000 });
    expect(list[1]!.sizeBytes).toBe(message('x').length);
  });

  it('keeps a bounded number of idle mailboxes in memory; handles of evicted ones keep working', async () => {
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01', maxOpenMailboxes: 2 });
    const listened = await storage.mailbox('listener@a.example', 0);
    const heard: string[] = [];
    listened.onChange((folder) => heard.push(folder));
    const first = await storage.mailbox('first@a.example', 0);
    await first.createFolder('Kept');
    for (let i = 0; i < 5; i++) await storage.mailbox(`other${i}@a.example`, 0);
    expect(storage.loadedMailboxes).toBe(2);
    // `first` was evicted (idle); its handle loads it again and sees the same mailbox.
    expect((await first.listFolders()).map((f) => f.name)).toContain('Kept');
    expect((await first.append('Kept', message('after'))).uid).toBe(1);
    // `listener` has a listener, so it stayed: a delivery through a new handle reaches it.
    await (await storage.mailbox('listener@a.example', 0)).append('INBOX', message('x'));
    expect(heard).toEqual(['INBOX']);
  });

  it('refuses user names that could leave the root', async () => {
    for (const bad of ['../x@a.example', 'x@../a', '.hidden@a.example', 'a/b@a.example', 'nodomain']) {
      await expect(storage.mailbox(bad, 0)).rejects.toThrow(/not a mailbox address/);
    }
  });
});
