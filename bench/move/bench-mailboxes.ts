/**
 * The move bench's mailboxes: Maildirs written straight into a lab store's mail root, as another
 * program (a restore) would; the store numbers the files when it first opens the mailbox.
 */
import { closeSync, mkdirSync, openSync, readFileSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Message sizes for the big mailbox: mostly small, some large, a few very large; about 1 GiB in all. */
export function mixedSize(i: number): number {
  const r = (i * 2654435761) % 1000;
  if (r < 700) return 4_000 + (r % 12) * 1_000; // 70 %: 4-15 kB
  if (r < 950) return 60_000 + (r % 25) * 4_000; // 25 %: 60-156 kB
  return 200_000 + (r % 50) * 8_000; // 5 %: 200-592 kB
}

/** Writes `sizes.length` messages into `maildir`/new; returns their bytes. */
export function writeMaildir(maildir: string, sizes: number[], tag: string): number {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true, mode: 0o700 });
  const start = Date.UTC(2026, 0, 1) / 1000;
  const line = `${'x'.repeat(78)}\r\n`;
  let total = 0;
  sizes.forEach((size, i) => {
    const head = `From: s${i}@example.org\r\nTo: r@example.org\r\nSubject: ${tag} ${i}\r\nMessage-ID: <${tag}-${i}@bench>\r\n\r\n`;
    const body = line.repeat(Math.max(0, Math.floor((size - head.length) / line.length)));
    const data = Buffer.from(head + body);
    const seconds = start + i;
    const path = join(maildir, 'new', `${seconds}.M${i}P1Q${i}.bench,S=${data.length},W=${data.length}`);
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, data);
    closeSync(fd);
    utimesSync(path, seconds, seconds);
    total += data.length;
  });
  return total;
}

/** A lab node's data directory. */
export function nodeDataDir(home: string, node: string): string {
  const config = JSON.parse(readFileSync(join(home, 'nodes', node, 'agent.json'), 'utf8')) as {
    dataDir: string;
  };
  return config.dataDir;
}

/** A user's Maildir under a lab node's mail root (its data directory's `mail`, as the lab configures it). */
export function userMaildir(home: string, node: string, address: string): string {
  const config = JSON.parse(readFileSync(join(home, 'nodes', node, 'agent.json'), 'utf8')) as {
    dataDir: string;
    mail?: { root?: string };
  };
  const [local, domain] = address.split('@');
  return join(config.mail?.root ?? join(config.dataDir, 'mail'), domain!, local!, 'Maildir');
}
