/**
 * The store bench's large-mailbox part: one INBOX of 100,000 messages of 4 KB, put into the Maildir
 * by "another program" (the files written straight into new/, no index yet, as after an rsync or a
 * restore), timed with Python's imaplib as a mail client would see it, and imaptest's stress
 * throughput (commands per second by type).
 */
import { execFile, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildImaptest, parseStressSummary, runImaptest } from '../../test/support/imaptest.js';
import type { TreeMemory } from './imap-measure.js';

const run = promisify(execFile);

/** Writes `count` messages of about `size` bytes into `maildir`/new (and makes cur/ and tmp/). */
export function writeLargeMaildir(maildir: string, count: number, size = 4096): void {
  for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildir, sub), { recursive: true, mode: 0o700 });
  const line = `${'x'.repeat(78)}\r\n`;
  const start = Date.UTC(2026, 0, 1) / 1000;
  for (let i = 0; i < count; i++) {
    // One in a thousand has the searched word, as a SEARCH that finds a few would.
    const subject = i % 1000 === 0 ? `needle ${i}` : `message number ${i}`;
    const head = `From: Sender ${i} <s${i}@example.org>\r\nTo: reader@example.org\r\nSubject: ${subject}\r\nDate: Thu, 01 Jan 2026 00:00:00 +0000\r\nMessage-ID: <${i}@bench>\r\n\r\n`;
    let body = '';
    while (head.length + body.length + line.length <= size) body += line;
    const data = Buffer.from(head + body);
    const seconds = start + Math.floor(i / 100);
    const path = join(maildir, 'new', `${seconds}.M${i}P1Q${i}.bench,S=${data.length},W=${data.length}`);
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, data);
    closeSync(fd);
    utimesSync(path, seconds, seconds);
  }
}

/** What a client sees of the large INBOX, in seconds. */
export interface LargeMailboxTimes {
  firstSelect: number;
  fetchUidFlags: number;
  searchSubject: number;
  storeFlags1000: number;
  secondSelect: number;
}

const clientScript = String.raw`
import imaplib, json, sys, time
port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
m = imaplib.IMAP4('127.0.0.1', port)
m.login(user, password)
out = {}
def timed(name, work):
    start = time.time()
    result = work()
    out[name] = time.time() - start
    return result
typ, data = timed('firstSelect', lambda: m.select('INBOX'))
out['exists'] = int(data[0])
timed('fetchUidFlags', lambda: m.uid('FETCH', '1:*', '(UID FLAGS)'))
typ, data = timed('searchSubject', lambda: m.search(None, 'SUBJECT', 'needle'))
out['found'] = len(data[0].split())
timed('storeFlags1000', lambda: m.store('1:1000', '+FLAGS', '(\\Flagged)'))
m.close()
timed('secondSelect', lambda: m.select('INBOX'))
m.logout()
print(json.dumps(out))
`;

/** Runs the client against one side; checks it saw every message and found the needles. */
export async function timeLargeMailbox(
  port: number,
  user: string,
  password: string,
  count: number,
): Promise<LargeMailboxTimes> {
  const { stdout } = await run('python3', ['-c', clientScript, String(port), user, password], {
    timeout: 600_000,
  });
  const { exists, found, ...times } = JSON.parse(stdout) as LargeMailboxTimes & {
    exists: number;
    found: number;
  };
  if (exists !== count) throw new Error(`SELECT showed ${exists} of ${count} messages`);
  if (found !== count / 1000) throw new Error(`SEARCH found ${found}, expected ${count / 1000}`);
  for (const key of Object.keys(times) as (keyof LargeMailboxTimes)[])
    times[key] = Math.round(times[key] * 1000) / 1000;
  return times;
}

/** Keeps a session per user with INBOX selected (memory with several large mailboxes open). */
export async function holdSelected(
  port: number,
  users: { address: string; password: string }[],
): Promise<() => void> {
  const script = `
import imaplib, sys
port = int(sys.argv[1])
sessions = []
for i in range(2, len(sys.argv), 2):
    m = imaplib.IMAP4('127.0.0.1', port)
    m.login(sys.argv[i], sys.argv[i + 1])
    m.select('INBOX')
    sessions.append(m)
print('selected', flush=True)
sys.stdin.readline()
for m in sessions:
    m.logout()
`;
  const child = spawn(
    'python3',
    ['-c', script, String(port), ...users.flatMap((u) => [u.address, u.password])],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`holding sessions failed (${code})`)));
  });
  return () => {
    child.stdin.end('\n');
  };
}

/** imaptest stress against one side: commands per second of each type over `secs`. */
export async function stressThroughput(
  port: number,
  user: string,
  password: string,
  clients: number,
  secs: number,
): Promise<{ perSecond: Record<string, number>; errors: number }> {
  const { mbox } = await buildImaptest();
  const result = await runImaptest(
    { port, user, password },
    [`mbox=${mbox}`, `clients=${clients}`, `secs=${secs}`],
    (secs + 120) * 1000,
  );
  const summary = parseStressSummary(result.output);
  const perSecond = Object.fromEntries(
    Object.entries(summary.totals).map(([name, total]) => [name, Math.round(total / secs)]),
  );
  return { perSecond, errors: summary.errors.length + summary.stalls.length };
}

/** One side of the large-mailbox comparison. */
export interface LargeMailboxSide {
  name: string;
  imapPort: number;
  /** Process whose tree's memory is measured (the agent; Dovecot's master). */
  pid: number;
  /** Where `<domain>/<local>/Maildir` of each user goes. */
  mailRoot: string;
  /** Runs after the Maildirs are in place (Dovecot: hand them to its mail user). */
  prepare?: (maildirs: string[]) => Promise<void>;
}

/** Figures of one side. */
export interface LargeMailboxFigures {
  times: LargeMailboxTimes;
  /**
   * Memory of the process tree (MiB, PSS and RSS): before any large INBOX, after the timed session
   * (one INBOX used), and with three such INBOXes selected at once.
   */
  memoryMiB: { before: TreeMemory; oneMailbox: TreeMemory; threeMailboxesOpen: TreeMemory };
  stress: { perSecond: Record<string, number>; errors: number };
}

/**
 * Puts a copy of `template` (hard links: the files are shared, the directories are not) into each
 * large user's Maildir on the side, then times, measures memory and runs imaptest's stress.
 */
export async function runLargeMailboxSide(
  side: LargeMailboxSide,
  template: string,
  count: number,
  large: { address: string; password: string }[],
  stressUser: { address: string; password: string },
  treeMemory: (pid: number) => TreeMemory,
  say: (line: string) => void,
): Promise<LargeMailboxFigures> {
  const maildirs = large.map((user) => {
    const [local, domain] = user.address.split('@') as [string, string];
    return join(side.mailRoot, domain, local, 'Maildir');
  });
  for (const maildir of maildirs) {
    mkdirSync(join(maildir, '..'), { recursive: true });
    await run('cp', ['-al', template, maildir]);
  }
  await side.prepare?.(maildirs);
  const before = treeMemory(side.pid);
  const times = await timeLargeMailbox(side.imapPort, large[0]!.address, large[0]!.password, count);
  const one = treeMemory(side.pid);
  say(
    `${side.name}: ${count} x 4 KB INBOX: first SELECT ${times.firstSelect.toFixed(2)} s, FETCH 1:* (UID FLAGS) ${times.fetchUidFlags.toFixed(2)} s, SEARCH SUBJECT ${times.searchSubject.toFixed(2)} s, STORE +FLAGS on 1,000 ${times.storeFlags1000.toFixed(2)} s, second SELECT ${times.secondSelect.toFixed(2)} s`,
  );
  const release = await holdSelected(side.imapPort, large);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const three = treeMemory(side.pid);
  release();
  const mib = (memory: TreeMemory): TreeMemory => ({
    pss: Math.round(memory.pss / 1024 ** 2),
    rss: Math.round(memory.rss / 1024 ** 2),
  });
  const memoryMiB = { before: mib(before), oneMailbox: mib(one), threeMailboxesOpen: mib(three) };
  const shown = (memory: TreeMemory) => `PSS ${memory.pss} MiB, RSS ${memory.rss} MiB`;
  say(
    `${side.name}: memory before: ${shown(memoryMiB.before)}; with that INBOX used: ${shown(memoryMiB.oneMailbox)}; with ${large.length} such INBOXes selected: ${shown(memoryMiB.threeMailboxesOpen)}`,
  );
  const stress = await stressThroughput(side.imapPort, stressUser.address, stressUser.password, 50, 30);
  say(
    `${side.name}: imaptest stress, 50 clients, 30 s, commands/s: ${Object.entries(stress.perSecond)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')} (${stress.errors} errors or stalls)`,
  );
  return { times, memoryMiB, stress };
}
