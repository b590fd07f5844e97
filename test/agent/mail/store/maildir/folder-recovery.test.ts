import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, message, removeTempDir } from './maildir-test-support.js';

const user = 'jiro@sci.univ.example';
const guid = '0123456789abcdef0123456789abcdef';

describe('UID index recovery', () => {
  let root: string;
  let maildir: string;
  let storage: MaildirStorage;
  const repairs: string[] = [];

  /** Writes an INBOX by hand: message files named `base` (in cur/, seen) and a uidlist text. */
  async function prepare(bases: string[], uidlist: string | undefined): Promise<void> {
    await mkdir(join(maildir, 'cur'), { recursive: true });
    await mkdir(join(maildir, 'new'), { recursive: true });
    await mkdir(join(maildir, 'tmp'), { recursive: true });
    for (const base of bases)
      await writeFile(join(maildir, 'cur', `${base},S=7,W=7:2,S`), 'A: b\r\n\r\n'.slice(0, 7));
    if (uidlist !== undefined) await writeFile(join(maildir, 'dovecot-uidlist'), uidlist);
  }

  async function inboxUids(): Promise<{ uids: [number, string][]; uidValidity: number; uidNext: number }> {
    const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
    const files = new Map<number, string>();
    for (const m of view.messages()) files.set(m.uid, (await view.read(m.uid)).toString());
    const result = {
      uids: view.messages().map((m): [number, string] => [m.uid, m.flags.join(' ')]),
      uidValidity: view.uidValidity,
      uidNext: view.uidNext(),
    };
    view.close();
    return result;
  }

  beforeEach(async () => {
    root = await makeTempDir('recovery-');
    maildir = join(root, 'sci.univ.example', 'jiro', 'Maildir');
    repairs.length = 0;
    storage = new MaildirStorage({ root, hostName: 'store01', onRepair: (_u, _f, r) => repairs.push(...r) });
  });
  afterEach(async () => {
    await storage.close();
    await removeTempDir(root);
  });

  it('ignores a torn last line, gives its file a new UID, and rewrites the file whole', async () => {
    await prepare(['1.a', '2.b', '3.c'], `3 V100 N1 G${guid}\n1 :1.a,S=7,W=7\n2 :2.b,S=7,W=7\n3 :3.c,S=`);
    const state = await inboxUids();
    expect(state.uidValidity).toBe(100);
    expect(state.uids.map(([uid]) => uid)).toEqual([1, 2, 3]);
    expect(repairs).toContain('torn last line ignored');
    const text = await readFile(join(maildir, 'dovecot-uidlist'), 'utf8');
    expect(text).toBe(`3 V100 N4 G${guid}\n1 :1.a,S=7,W=7\n2 :2.b,S=7,W=7\n3 :3.c,S=7,W=7\n`);
    const { uid } = await (await storage.mailbox(user, 0)).append('INBOX', message('next'));
    expect(uid).toBe(4);
  });

  it('opens a new mailbox without calling it repaired, and keeps its UIDVALIDITY on disk', async () => {
    const first = await inboxUids();
    expect(repairs).toEqual([]);
    await storage.close();
    storage = new MaildirStorage({ root, hostName: 'store01', onRepair: (_u, _f, r) => repairs.push(...r) });
    expect((await inboxUids()).uidValidity).toBe(first.uidValidity);
    expect(repairs).toEqual([]);
  });

  it('reports files found without any index as a repair', async () => {
    await prepare(['1.a', '2.b'], undefined);
    expect((await inboxUids()).uids.map(([uid]) => uid)).toEqual([1, 2]);
    expect(repairs).toContain('no dovecot-uidlist: created');
    expect(repairs).toContain('2 file(s) without a UID given new UIDs');
  });

  it('gives a file without a record a UID above every UID ever given', async () => {
    await prepare(['1.a', '2.b'], `3 V100 N9 G${guid}\n5 :1.a,S=7,W=7\n`);
    const state = await inboxUids();
    expect(state.uids.map(([uid]) => uid)).toEqual([5, 9]);
    expect(state.uidNext).toBe(10);
  });

  it('moves UIDNEXT past the largest UID when the header lags behind, also for removed messages', async () => {
    await prepare(['1.a'], `3 V100 N2 G${guid}\n1 :1.a,S=7,W=7\n7 :gone.x,S=7,W=7\n`);
    const state = await inboxUids();
    expect(state.uids.map(([uid]) => uid)).toEqual([1]);
    expect(state.uidNext).toBe(8);
    // A record without its file is an expunged message (Dovecot leaves them too): not a repair.
    expect(repairs).toEqual([]);
    const { uid } = await (await storage.mailbox(user, 0)).append('INBOX', message('next'));
    expect(uid).toBe(8);
  });

  it('starts a new UIDVALIDITY when the header is damaged, and numbers every file', async () => {
    await prepare(['1.a', '2.b'], 'garbage header\n1 :1.a,S=7,W=7\n');
    const state = await inboxUids();
    expect(state.uidValidity).not.toBe(100);
    expect(state.uidValidity).toBeGreaterThan(1_700_000_000);
    expect(state.uids.map(([uid]) => uid)).toEqual([1, 2]);
  });

  it('never gives a folder deleted and created again the same UIDVALIDITY', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const seen = new Set<number>();
    for (let i = 0; i < 3; i++) {
      await mailbox.createFolder('Again');
      seen.add((await mailbox.folderStatus('Again')).uidValidity);
      await mailbox.deleteFolder('Again');
    }
    expect(seen.size).toBe(3);
  });

  it('recomputes a damaged maildirsize and keeps UIDs across restarts', async () => {
    const mailbox = await storage.mailbox(user, 0);
    const a = await mailbox.append('INBOX', message('a'));
    const b = await mailbox.append('INBOX', message('b'));
    await storage.close();
    await writeFile(join(maildir, 'maildirsize'), '0S\nnot numbers\n');
    storage = new MaildirStorage({ root, hostName: 'store01' });
    expect((await (await storage.mailbox(user, 0)).quota()).messages).toBe(2);
    expect((await inboxUids()).uids.map(([uid]) => uid)).toEqual([a.uid, b.uid]);
    expect(await readFile(join(maildir, 'maildirsize'), 'utf8')).toBe(`0S\n${message('a').length * 2} 2\n`);
  });

  it('recomputes quota after an unclean shutdown (no clean close marker)', async () => {
    const mailbox = await storage.mailbox(user, 0);
    await mailbox.append('INBOX', message('a'));
    // Simulate a crash: the running marker stays, and maildirsize lost its last line.
    await writeFile(join(maildir, 'maildirsize'), '0S\n');
    storage = new MaildirStorage({ root, hostName: 'store01' });
    expect((await (await storage.mailbox(user, 0)).quota()).messages).toBe(1);
  });
});
