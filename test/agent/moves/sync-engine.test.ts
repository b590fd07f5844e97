/**
 * The sync engine on its own, over real sockets and real storages: a mailbox on one store's
 * MaildirStorage (Japanese folder names, flags, keywords, subscriptions, a special use given at
 * CREATE, an expunge history, \Recent messages) is copied into a staging copy, changed on the
 * source and caught up, verified, finalized and installed under another root; a MaildirStorage
 * opened there shows the same folders, UIDs, UIDVALIDITY, UIDNEXT, flags, mod-sequences and bytes.
 * A run cut short (files without records, a folder without its index) resumes from the disk.
 * The move lock is checked against the embedded directory: a node the lock does not name as the
 * target gets nothing.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MoveState } from '../../../agent/common/directory/move-state.js';
import { currentBootId } from '../../../agent/common/file-system-flush.js';
import { JsonLogger } from '../../../agent/common/json-logger.js';
import type { UserMailbox } from '../../../agent/mail/store/mail-storage.js';
import { maildirOfUser } from '../../../agent/mail/store/maildir/mailbox-path.js';
import { MaildirStorage } from '../../../agent/mail/store/maildir/maildir-storage.js';
import { MessageBaseGenerator } from '../../../agent/mail/store/maildir/message-file-name.js';
import { StoreUsers } from '../../../agent/mail/store/store-users.js';
import { BandwidthLimit } from '../../../agent/moves/sync/bandwidth-limit.js';
import {
  type CopySource,
  copyRound,
  readManifest,
  verifyCopy,
} from '../../../agent/moves/sync/mailbox-copy.js';
import { finalizeStaging, installStaging, moveMarkerOf } from '../../../agent/moves/sync/move-commit.js';
import { StagingMaildir } from '../../../agent/moves/sync/staging-maildir.js';
import { SyncSource } from '../../../agent/moves/sync/sync-source.js';
import { AgentTestDirectory } from '../../support/agent-test-directory.js';
import { storeSeedEntries, storeUsers } from '../../support/store-seed.js';

const user = storeUsers.alice.mail;
const lock: MoveState = { job: 'mv-store02-engine', source: 'store01', target: 'store02', phase: 'copy' };

let directory: AgentTestDirectory;
let work: string;
let source: MaildirStorage;
let sourceMailbox: UserMailbox;
let server: Server;
let port: number;

/** A channel to the source as `peer` (a node name), over a real loopback socket. */
function opener(peer: string) {
  return () =>
    new Promise<Socket>((resolve, reject) => {
      const socket = new Socket();
      socket.once('error', reject);
      socket.connect(port, '127.0.0.1', () => {
        // The first line says who the test connects as (in the agent, the SSH key does).
        socket.write(`${peer}\n`);
        resolve(socket);
      });
    });
}

function mail(subject: string, size = 0): Buffer {
  return Buffer.from(
    `From: hanako@sci.univ.example\r\nTo: ${user}\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@engine>\r\n\r\n` +
      `本文 ${subject}\r\n${'x'.repeat(size)}\r\n`,
  );
}

/** What a storage shows of the user's mailbox, for comparing two stores. */
async function snapshot(mailbox: UserMailbox) {
  const folders: Record<string, unknown> = {};
  for (const folder of await mailbox.listFolders()) {
    const view = await mailbox.openFolder(folder.name);
    try {
      folders[folder.name] = {
        subscribed: folder.subscribed,
        specialUse: folder.specialUse,
        uidValidity: view.uidValidity,
        uidNext: view.uidNext(),
        highestModseq: view.highestModseq(),
        messages: await Promise.all(
          view.messages().map(async (m) => ({
            uid: m.uid,
            flags: [...m.flags].sort(),
            modseq: m.modseq,
            size: m.size,
            date: m.internalDate.getTime(),
            body: (await view.read(m.uid)).toString('utf8'),
          })),
        ),
      };
    } finally {
      view.close();
    }
  }
  return { folders, subscriptions: (await mailbox.listSubscriptions()).sort() };
}

function copySource(peer = 'store02'): CopySource {
  return {
    open: opener(peer),
    job: lock.job,
    user,
    limit: new BandwidthLimit(0),
    names: new MessageBaseGenerator('store02', process.pid),
  };
}

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
    ],
    admins: [],
    extraEntries: (tree) => storeSeedEntries(tree),
  });
  await directory.reader('store02').changeMoveState(user, { from: undefined, to: lock });
  work = await mkdtemp(join(tmpdir(), 'mailfleet-sync-engine-'));
  source = new MaildirStorage({ root: join(work, 'source'), hostName: 'store01' });
  const reader = directory.reader('store01');
  const users = new StoreUsers({ directory: reader, node: 'store01', clock: { now: () => Date.now() } });
  const syncSource = new SyncSource({
    storage: () => source,
    users: () => users,
    mailRoot: join(work, 'source'),
    directory: reader,
    node: 'store01',
    logger: new JsonLogger('store01', 'test', 'error', () => {}),
  });
  server = createServer((socket) => {
    // The peer's name, then the channel (the agent takes the name from the SSH key instead).
    socket.once('readable', () => {
      let name = '';
      for (;;) {
        const byte = socket.read(1) as Buffer | null;
        if (!byte || byte[0] === 0x0a) break;
        name += byte.toString();
      }
      void syncSource.serve(socket, name);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;

  sourceMailbox = await source.mailbox(user, 0);
  await sourceMailbox.createFolder('研究室.2026');
  await sourceMailbox.createFolder('Archive2', { specialUse: '\\Archive' });
  await sourceMailbox.setSubscribed('研究室.2026', true);
  await sourceMailbox.setSubscribed('消えたフォルダ', true);
  for (let i = 0; i < 30; i++) await sourceMailbox.append('INBOX', mail(`inbox-${i}`, i * 40));
  await sourceMailbox.append('研究室.2026', mail('lab-1'), { flags: ['\\Seen', '$Label1', 'Junk'] });
  await sourceMailbox.append('研究室.2026', mail('lab-2'), { flags: ['\\Flagged', 'Important'] });
  await sourceMailbox.append('Archive2', mail('old'), {
    flags: ['\\Seen', '\\Answered'],
    internalDate: new Date('2020-04-01T00:00:00Z'),
  });
  const inbox = await sourceMailbox.openFolder('INBOX');
  await inbox.setFlags([1, 2, 3], 'add', ['\\Seen', '\\Deleted']);
  await inbox.expunge();
  await inbox.setFlags([4], 'add', ['$Forwarded']);
  inbox.close();
});

afterAll(async () => {
  server?.close();
  await source?.close();
  await directory?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('the sync engine', () => {
  it('copies, catches up, verifies and installs a mailbox with UIDs, flags and mod-sequences unchanged', async () => {
    const stagingPath = join(work, 'target', '.mailfleet-moves', lock.job, 'Maildir');
    let staging = await StagingMaildir.open(stagingPath);
    const first = await copyRound(staging, copySource());
    expect(first.figures.messagesCopied).toBe(30 - 3 + 3);
    expect(first.figures.foldersReset).toBe(first.manifest.folders.length);

    // The user keeps working during the move: new mail, a flag change, an expunge, a new folder.
    await sourceMailbox.append('INBOX', mail('during-1'));
    await sourceMailbox.createFolder('Projects.日本語');
    await sourceMailbox.append('Projects.日本語', mail('project'), { flags: ['\\Draft'] });
    const inbox = await sourceMailbox.openFolder('INBOX');
    await inbox.setFlags([5], 'add', ['\\Flagged']);
    await inbox.setFlags([6], 'add', ['\\Deleted']);
    await inbox.expunge([6]);
    inbox.close();

    // A restart between rounds: the copy is read back from disk.
    staging = await StagingMaildir.open(stagingPath);
    const second = await copyRound(staging, copySource());
    // Two new folders: Projects.日本語 and the parent CREATE made for it.
    expect(second.figures).toMatchObject({ messagesCopied: 2, flagChanges: 1, expunged: 1, foldersReset: 2 });
    const last = await copyRound(staging, copySource());
    expect(last.figures).toMatchObject({ messagesCopied: 0, flagChanges: 0, expunged: 0, foldersReset: 0 });

    const verified = await verifyCopy(staging, opener('store02'), lock.job, user);
    expect(verified.differences).toEqual([]);
    expect(verified.messages).toBe(30 - 3 + 3 + 2 - 1);

    await finalizeStaging(staging, last.manifest, lock.job);
    const live = maildirOfUser(join(work, 'target'), user).maildir;
    await installStaging(stagingPath, live, join(work, 'target', '.mailfleet-moves', lock.job, 'replaced'));
    expect(await moveMarkerOf(live)).toBe(lock.job);

    const target = new MaildirStorage({ root: join(work, 'target'), hostName: 'store02' });
    try {
      const copied = await snapshot(await target.mailbox(user, 0));
      expect(copied).toEqual(await snapshot(sourceMailbox));
      // QRESYNC: what the source expunged is still reported as vanished on the target.
      const view = await (await target.mailbox(user, 0)).openFolder('INBOX');
      expect(view.expungedSince(0)).toEqual(expect.arrayContaining([1, 2, 3, 6]));
      view.close();
      // New mail on the target goes on from the source's UIDNEXT.
      const next = await (await target.mailbox(user, 0)).append('INBOX', mail('after'));
      const sourceInbox = await sourceMailbox.openFolder('INBOX');
      expect(next.uid).toBe(sourceInbox.uidNext());
      expect(next.uidValidity).toBe(sourceInbox.uidValidity);
      sourceInbox.close();
    } finally {
      await target.close();
    }
  });

  it('resumes a copy cut short: files without records are written again, a folder without index is made again', async () => {
    const stagingPath = join(work, 'resume', 'Maildir');
    const staging = await StagingMaildir.open(stagingPath);
    await copyRound(staging, copySource());
    // As a kill -9 between a file's rename and its record would leave it, and a folder cut short.
    await writeFile(join(stagingPath, 'cur', '1999999999.M1P1Q1Rff.store02,S=5,W=5:2,S'), 'torn\r');
    await rm(join(stagingPath, '.&eBR6dluk-.2026', 'dovecot-uidlist'));
    const reopened = await StagingMaildir.open(stagingPath);
    expect(reopened.folders.has('研究室.2026')).toBe(false);
    const round = await copyRound(reopened, copySource());
    expect(round.figures.messagesCopied).toBe(2);
    expect((await verifyCopy(reopened, opener('store02'), lock.job, user)).differences).toEqual([]);
  });

  it('sends a message another program wrote with bare LF line ends as CRLF, and verifies it', async () => {
    // As a restore or a migration leaves a file: LF line ends, straight into new/.
    const inboxPath = maildirOfUser(join(work, 'source'), user).maildir;
    const text = `From: restore@sci.univ.example\nTo: ${user}\nSubject: lf-only\nMessage-ID: <lf-only@engine>\n\nline one\nline two\n`;
    await writeFile(join(inboxPath, 'new', `1700000000.M1P1Q1.restore,S=${text.length}`), text);
    const inbox = await sourceMailbox.openFolder('INBOX');
    inbox.close();

    const stagingPath = join(work, 'lf-only', 'Maildir');
    const staging = await StagingMaildir.open(stagingPath);
    await copyRound(staging, copySource());
    expect((await verifyCopy(staging, opener('store02'), lock.job, user)).differences).toEqual([]);
    const copied: string[] = [];
    for (const dir of ['new', 'cur'])
      for (const name of await readdir(join(stagingPath, dir))) {
        const body = await readFile(join(stagingPath, dir, name), 'latin1');
        if (body.includes('<lf-only@engine>')) copied.push(body);
      }
    expect(copied).toEqual([text.replaceAll('\n', '\r\n')]);
  });

  it('writes a bulk round unflushed under a mark of the boot, and flushes it and drops the mark at its end', async () => {
    const stagingPath = join(work, 'bulk', 'Maildir');
    const mark = join(stagingPath, 'mailfleet-unflushed');
    const markSeen: boolean[] = [];
    const watching = { onProgress: () => markSeen.push(existsSync(mark)) };
    const staging = await StagingMaildir.open(stagingPath);
    const round = await copyRound(staging, { ...copySource(), ...watching, bulkFromBytes: 0 });
    expect(round.figures.messagesCopied).toBeGreaterThan(10);
    expect(markSeen.length).toBeGreaterThan(0);
    expect(markSeen.every(Boolean)).toBe(true);
    expect(existsSync(mark)).toBe(false);
    expect((await verifyCopy(staging, opener('store02'), lock.job, user)).differences).toEqual([]);

    // A small mailbox is below the default threshold: written one file at a time, no mark.
    markSeen.length = 0;
    const small = await StagingMaildir.open(join(work, 'not-bulk', 'Maildir'));
    await copyRound(small, { ...copySource(), ...watching });
    expect(markSeen.length).toBeGreaterThan(0);
    expect(markSeen.some(Boolean)).toBe(false);
  });

  it('keeps what a bulk round wrote when its process was killed in this boot, and flushes it at open', async () => {
    const stagingPath = join(work, 'bulk-killed', 'Maildir');
    const first = await copyRound(await StagingMaildir.open(stagingPath), {
      ...copySource(),
      bulkFromBytes: 0,
    });
    // As a kill -9 before the round's flush leaves it: the mark of this boot still there.
    await writeFile(join(stagingPath, 'mailfleet-unflushed'), `${await currentBootId()}\n`);
    const reopened = await StagingMaildir.open(stagingPath);
    expect(existsSync(join(stagingPath, 'mailfleet-unflushed'))).toBe(false);
    const counted = [...reopened.folders.values()].reduce((sum, f) => sum + f.messages.size, 0);
    expect(counted).toBe(first.figures.messagesCopied);
    const again = await copyRound(reopened, copySource());
    expect(again.figures.messagesCopied).toBe(0);
  });

  it('after a reboot, reads a bulk round back and copies again each message whose body did not reach the disk', async () => {
    const stagingPath = join(work, 'bulk-rebooted', 'Maildir');
    await copyRound(await StagingMaildir.open(stagingPath), { ...copySource(), bulkFromBytes: 0 });
    // As a power loss can leave unflushed files: one cut short, one the right length but zeros.
    const inboxFiles = (await readdir(join(stagingPath, 'new'))).sort();
    expect(inboxFiles.length).toBeGreaterThan(2);
    const [short, zeroed] = [
      join(stagingPath, 'new', inboxFiles[0]!),
      join(stagingPath, 'new', inboxFiles[1]!),
    ];
    await truncate(short, 10);
    await writeFile(zeroed, Buffer.alloc((await readFile(zeroed)).length));
    await writeFile(join(stagingPath, 'mailfleet-unflushed'), '00000000-0000-4000-8000-000000000000\n');

    const reopened = await StagingMaildir.open(stagingPath);
    expect(existsSync(short) || existsSync(zeroed)).toBe(false);
    expect(existsSync(join(stagingPath, 'mailfleet-unflushed'))).toBe(false);
    const round = await copyRound(reopened, copySource());
    expect(round.figures.messagesCopied).toBe(2);
    expect((await verifyCopy(reopened, opener('store02'), lock.job, user)).differences).toEqual([]);
  });

  it('fails the round when a flush started ahead failed, and flushes and drops the mark once it can', async () => {
    const stagingPath = join(work, 'flush-ahead', 'Maildir');
    const staging = await StagingMaildir.open(stagingPath);
    await staging.beginUnflushedWrites();
    // The copy's directory gone while the flush ahead starts: `sync -f` fails, as on a write-back error.
    await rename(stagingPath, `${stagingPath}.away`);
    staging.flushAhead();
    await expect(staging.flush()).rejects.toThrow(/flushing the file system of .* failed/);
    await rename(`${stagingPath}.away`, stagingPath);
    expect(existsSync(join(stagingPath, 'mailfleet-unflushed'))).toBe(true);
    staging.flushAhead();
    await staging.flush();
    expect(existsSync(join(stagingPath, 'mailfleet-unflushed'))).toBe(false);
  });

  it('gives the mailbox only to the node the move lock names as the target', async () => {
    await expect(readManifest(opener('store01'), lock.job, user)).rejects.toThrow(
      `the source refused manifest: store01 does not serve store02, the store job ${lock.job} moves ${user} to`,
    );
    await expect(readManifest(opener('store02'), 'mv-store02-other', user)).rejects.toThrow(
      `${user} is not being moved by job mv-store02-other`,
    );
  });
});
