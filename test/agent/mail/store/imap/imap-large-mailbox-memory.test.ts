/**
 * Memory of large mailboxes (issue 18): three users' INBOXes of 100,000 messages each, selected by
 * three IMAP sessions (imapflow) at once, one of which FETCHed 1:* (UID FLAGS), against an IMAP
 * server over MaildirStorage in a child process whose memory is measured after full garbage
 * collections (node --expose-gc), so the figures are the memory the folders keep, not garbage
 * waiting for a collection.
 *
 * The bound: a loaded folder keeps one table row per message (43 bytes of typed arrays) and its
 * file's base name once (about 60 bytes for names like our own deliveries'), so about 10 MiB per
 * 100,000; 16 MiB allows for the arrays' spare room and the sessions themselves. The store kept
 * about 42 MiB per 100,000 before (an object, a Date and a flags array per message), which fails
 * it. JavaScript heap alone must grow by less than 8 MiB for all three (no object per message).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { promisify } from 'node:util';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompiledMailStore,
  compileMailStoreModules,
  imapStoreChild,
} from '../../../../support/compiled-mail-store.js';
import { loopbackImapFlow } from '../../../../support/loopback-imapflow.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';

const run = promisify(execFile);
const messages = 100_000;
const mib = 1024 * 1024;
const perFolderBound = 16 * mib;
const password = 'large';
const users = ['big1@large.example', 'big2@large.example', 'big3@large.example'];

/** The child's memory after full collections. */
interface Memory {
  heapUsed: number;
  arrayBuffers: number;
  rss: number;
  /** RSS before the collections (what top shows, garbage included). */
  rssBeforeCollection: number;
  loadedFolders: number;
  folderBytes: number;
}

/**
 * Writes `count` messages of about 1 KB into `maildir`/new as another program would (no index),
 * named like the store's own deliveries (about 60 bytes each).
 */
function writeMaildir(maildir: string, count: number): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true, mode: 0o700 });
  const start = Date.UTC(2026, 0, 1) / 1000;
  const body = `${'x'.repeat(78)}\r\n`.repeat(10);
  for (let i = 0; i < count; i++) {
    const data = Buffer.from(
      `From: Sender ${i} <s${i}@example.org>\r\nTo: reader@example.org\r\nSubject: message ${i}\r\nMessage-ID: <${i}@large>\r\n\r\n${body}`,
    );
    const seconds = start + Math.floor(i / 100);
    const name = `${seconds}.M${(i % 1000) * 1000}P4242Q${i}R5f30f55f.store01,S=${data.length},W=${data.length}`;
    const path = join(maildir, 'new', name);
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, data);
    closeSync(fd);
    utimesSync(path, seconds, seconds);
  }
}

describe('memory of large mailboxes', () => {
  let compiled: CompiledMailStore;
  let root: string;
  let child: ChildProcess;
  let lines: Interface;
  let port: number;
  const clients: ImapFlow[] = [];

  const nextLine = (): Promise<string> => new Promise((resolve) => lines.once('line', resolve));
  const measure = async (): Promise<Memory> => {
    const answer = nextLine();
    child.stdin!.write('measure\n');
    return JSON.parse(await answer) as Memory;
  };

  beforeAll(async () => {
    [compiled, root] = await Promise.all([compileMailStoreModules(), makeTempDir('large-memory-')]);
    const template = join(root, 'template');
    writeMaildir(template, messages);
    for (const user of users) {
      const [local, domain] = user.split('@') as [string, string];
      mkdirSync(join(root, 'mail', domain, local), { recursive: true });
      // Hard links: the same files, each user's own directories and index files.
      await run('cp', ['-al', template, join(root, 'mail', domain, local, 'Maildir')]);
    }
    const args = [imapStoreChild, compiled.root, join(root, 'mail'), password, '--measure'];
    child = spawn(process.execPath, ['--expose-gc', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    lines = createInterface({ input: child.stdout! });
    port = (JSON.parse(await nextLine()) as { port: number }).port;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.logout().catch(() => undefined)));
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await exited;
    }
    await compiled?.remove();
    if (root) await removeTempDir(root);
  });

  it('three INBOXes of 100,000 messages selected at once keep under 16 MiB each, the third as little as the first', async () => {
    for (const user of users) {
      const client = loopbackImapFlow(port, user, password);
      await client.connect();
      clients.push(client);
    }
    const base = await measure();
    const [first, second, third] = clients as [ImapFlow, ImapFlow, ImapFlow];
    const inbox = await first.mailboxOpen('INBOX');
    expect(inbox.exists).toBe(messages);
    let fetched = 0;
    for await (const message of first.fetch('1:*', { uid: true, flags: true })) if (message.uid) fetched++;
    expect(fetched).toBe(messages);
    const one = await measure();
    await second.mailboxOpen('INBOX');
    await third.mailboxOpen('INBOX');
    const three = await measure();

    const kept = (m: Memory): number => m.heapUsed + m.arrayBuffers - (base.heapUsed + base.arrayBuffers);
    console.log(
      `large mailboxes: ${messages} messages per INBOX; kept after one selected ${(kept(one) / mib).toFixed(1)} MiB, ` +
        `after three ${(kept(three) / mib).toFixed(1)} MiB (JS heap +${((three.heapUsed - base.heapUsed) / mib).toFixed(1)} MiB, ` +
        `folder tables ${(three.folderBytes / mib).toFixed(1)} MiB, RSS +${((three.rss - base.rss) / mib).toFixed(0)} MiB; ` +
        `RSS before collecting: one +${((one.rssBeforeCollection - base.rss) / mib).toFixed(0)} MiB, three +${((three.rssBeforeCollection - base.rss) / mib).toFixed(0)} MiB)`,
    );
    expect(three.loadedFolders).toBe(3);
    expect(kept(one)).toBeLessThan(perFolderBound);
    expect(kept(three)).toBeLessThan(3 * perFolderBound);
    // Flat: the second and third INBOX cost what the first did, not more.
    expect(kept(three) - kept(one)).toBeLessThan(2 * perFolderBound);
    expect(three.heapUsed - base.heapUsed).toBeLessThan(8 * mib);
  }, 180_000);
});
