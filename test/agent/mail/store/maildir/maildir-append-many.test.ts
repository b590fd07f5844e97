/**
 * MULTIAPPEND's storage side: several messages committed together with consecutive UIDs and one
 * quota check, durable before the promise resolves (a fresh storage on the same files sees them),
 * and nothing left behind (no file, no quota, no UID) when any message fails.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, message, removeTempDir } from './maildir-test-support.js';

const user = 'hanako.sato@sci.univ.example';

async function filesIn(root: string, folder: string): Promise<string[]> {
  const base = join(root, 'sci.univ.example', 'hanako.sato', 'Maildir', folder);
  const lists = await Promise.all(['tmp', 'new', 'cur'].map((dir) => readdir(join(base, dir))));
  return lists.flat();
}

describe('appendMany', () => {
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

  it('stores every message with consecutive UIDs, flags and dates, durably', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', message('before'));
    const date = new Date(Date.UTC(2026, 3, 1, 9, 0, 0));
    const result = await mailbox.appendMany('INBOX', [
      { message: message('one') },
      { message: message('two'), options: { flags: ['\\Seen', '$Label'], internalDate: date } },
      { message: message('three') },
    ]);
    expect(result.uids).toEqual([2, 3, 4]);
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01' });
    const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
    expect(view.messages().map((m) => [m.uid, m.flags])).toEqual([
      [1, []],
      [2, []],
      [3, ['\\Seen', '$Label']],
      [4, []],
    ]);
    expect(view.messages()[2]!.internalDate).toEqual(date);
    expect((await view.read(4)).toString()).toContain('Subject: three');
    view.close();
  });

  it('stores none when one message fails, and gives back its quota', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const before = await mailbox.quota();
    // An invalid received date fails the second file's write after the first was written.
    await expect(
      mailbox.appendMany('INBOX', [
        { message: message('one') },
        { message: message('two'), options: { internalDate: new Date(Number.NaN) } },
      ]),
    ).rejects.toThrow();
    expect(await filesIn(root, '')).toEqual([]);
    expect(await mailbox.quota()).toEqual(before);
    expect((await mailbox.folderStatus('INBOX')).uidNext).toBe(1);
    // The folder works as before.
    expect((await mailbox.append('INBOX', message('after'))).uid).toBe(1);
  });

  it('checks the quota for all messages together', async () => {
    const mailbox = await storage.mailbox(user, 1000);
    const big = message('big', 400);
    await expect(
      mailbox.appendMany('INBOX', [{ message: big }, { message: big }, { message: big }]),
    ).rejects.toMatchObject({ code: 'over-quota' });
    expect(await filesIn(root, '')).toEqual([]);
    expect((await mailbox.appendMany('INBOX', [{ message: big }, { message: big }])).uids).toEqual([1, 2]);
  });
});
