/**
 * Issue 12's move under load, on a real lab (`mailfleet lab up`, every node its own process): a
 * user with 5,000 messages in 20 folders (Japanese names, flags, keywords, subscriptions) is moved
 * with `mailfleet move --wait` while `mailfleet lab traffic` runs, a sender of this test mails the
 * user every few milliseconds through the director, and an imapflow client idles in INBOX through
 * the director's proxy. Afterwards:
 *
 * - every message is in the new store exactly once (by Message-ID): the 5,000 and every one the
 *   director accepted during the move, including those sent while the cutover held the user's mail;
 * - every folder keeps its UIDVALIDITY, its UIDs and their flags and keywords, its subscription;
 * - the idling client was closed at the cutover; reconnecting, it sees the same UIDs and flags.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { MoveEvent, MoveJob } from '../../../agent/common/contract/move-contract.js';
import { fleetProfileSchema } from '../../../main/core/fleet-profile.js';
import { parseLabUsers } from '../../../main/lab/lab-people.js';
import { type LabProcess, mailfleetCli, startLabProcess } from '../../support/lab-process.js';

const run = promisify(execFile);
const folders = [
  'INBOX',
  '研究室',
  '研究室.2026',
  '研究室.2026.論文',
  '講義',
  '講義.前期',
  '講義.後期',
  '事務',
  '事務.経理',
  '家族',
  'Projects',
  'Projects.mailfleet',
  'Projects.日本語',
  'Archive',
  'Archive.2024',
  'Archive.2025',
  'Lists',
  'Lists.debian',
  'Receipts',
  'Sent',
];
const perFolder = 250;
const flagSets = [
  [],
  ['\\Seen'],
  ['\\Seen', '\\Answered'],
  ['\\Flagged', '$Important'],
  ['\\Seen', '$Label1', 'Junk'],
  ['\\Draft'],
];

let home: string;
let lab: LabProcess | undefined;
let traffic: ChildProcess | undefined;
let user: { address: string; password: string; store: string };
let endpoints: { imap: [string, number]; smtp: [string, number] };
/** The lab's CA: the proxy offers STARTTLS with a certificate it signed. */
let labCa: string;

function endpoint(
  profile: ReturnType<typeof fleetProfileSchema.parse>,
  node: string,
  service: string,
): [string, number] {
  const value = profile.nodes.find((n) => n.name === node)?.services[service] ?? '';
  const at = value.lastIndexOf(':');
  return [value.slice(0, at), Number(value.slice(at + 1))];
}

function client(): ImapFlow {
  return new ImapFlow({
    host: endpoints.imap[0],
    port: endpoints.imap[1],
    secure: false,
    auth: { user: user.address, pass: user.password },
    tls: { ca: labCa },
    logger: false,
  });
}

/** Every folder's UIDVALIDITY, and UIDs with flags; subscriptions; Message-IDs of everything. */
async function readMailbox(imap: ImapFlow) {
  const state: Record<string, { uidValidity: string; messages: Array<[number, string]> }> = {};
  const ids: string[] = [];
  const list = await imap.list();
  for (const folder of list) {
    const lock = await imap.getMailboxLock(folder.path);
    try {
      const box = imap.mailbox === false ? undefined : imap.mailbox;
      const messages: Array<[number, string]> = [];
      if ((box?.exists ?? 0) > 0)
        for await (const message of imap.fetch('1:*', { uid: true, flags: true, envelope: true })) {
          const flags = [...(message.flags ?? [])]
            .filter((f) => f !== '\\Recent')
            .sort()
            .join(' ');
          messages.push([message.uid, flags]);
          ids.push(message.envelope?.messageId ?? '');
        }
      state[folder.path] = { uidValidity: String(box?.uidValidity), messages };
    } finally {
      lock.release();
    }
  }
  const subscribed = (await imap.list({ statusQuery: {} }))
    .filter((f) => f.subscribed)
    .map((f) => f.path)
    .sort();
  return { state, subscribed, ids };
}

async function mailfleet(...args: string[]) {
  return run(process.execPath, [mailfleetCli, ...args], {
    env: { ...process.env, MAILFLEET_FLEET: join(home, 'fleet.json') },
    timeout: 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-move-traffic-'));
  lab = await startLabProcess(
    home,
    ['--stores', '2', '--spares', '0', '--users', '40', '--domains', '2'],
    120_000,
  );
  const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
  endpoints = {
    imap: endpoint(profile, 'director01', 'imap'),
    smtp: endpoint(profile, 'director01', 'smtp'),
  };
  labCa = await readFile(join(home, 'tls', 'ca.pem'), 'utf8');
  user = parseLabUsers(await readFile(join(home, 'lab-users.csv'), 'utf8')).find(
    (u) => u.store === 'store01',
  )!;
}, 180_000);

afterAll(async () => {
  if (traffic && traffic.exitCode === null) traffic.kill('SIGTERM');
  await lab?.stop();
  await rm(home, { recursive: true, force: true });
});

it('moves 5,000 messages in 20 folders under traffic, with a client idling, UIDs and flags unchanged', async () => {
  // The mailbox: 20 folders, 250 messages each with flags and keywords, some folders subscribed.
  const filler = await client();
  await filler.connect();
  for (const [i, folder] of folders.entries()) {
    if (folder !== 'INBOX') await filler.mailboxCreate(folder).catch(() => undefined);
    if (i % 3 === 0) await filler.mailboxSubscribe(folder);
    else await filler.mailboxUnsubscribe(folder).catch(() => undefined);
    for (let n = 0; n < perFolder; n++) {
      const id = `seed-${i}-${n}@move.test`;
      const body = `From: 先生 <sensei@sci.univ.example>\r\nTo: ${user.address}\r\nSubject: ${folder} ${n}\r\nMessage-ID: <${id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${'本文 '.repeat(20 + ((n * 37) % 400))}\r\n`;
      await filler.append(
        folder,
        body,
        flagSets[n % flagSets.length],
        new Date(Date.UTC(2025, n % 12, 1 + (n % 28))),
      );
    }
  }
  const before = await readMailbox(filler);
  await filler.logout();
  expect(before.ids).toHaveLength(folders.length * perFolder);

  // Someone reads mail all along: a client idles in INBOX through the director's proxy.
  const idler = client();
  let idlerClosed = false;
  idler.on('close', () => {
    idlerClosed = true;
  });
  await idler.connect();
  await idler.mailboxOpen('INBOX');
  void idler.idle().catch(() => undefined);

  // Lab traffic runs, and this test mails the user all along, noting when each 250 came.
  traffic = spawn(
    process.execPath,
    [mailfleetCli, 'lab', 'traffic', '--home', home, '--rate', '10', '--duration', '10m'],
    {
      stdio: 'ignore',
    },
  );
  const accepted: Array<{ id: string; at: number }> = [];
  let sending = true;
  const sender = (async () => {
    const transport = createTransport({
      host: endpoints.smtp[0],
      port: endpoints.smtp[1],
      ignoreTLS: true,
      pool: true,
    });
    for (let k = 0; sending; k++) {
      const id = `during-${k}@move.test`;
      try {
        await transport.sendMail({
          envelope: { from: 'colleague@example.org', to: [user.address] },
          raw: `From: colleague@example.org\r\nTo: ${user.address}\r\nSubject: during ${k}\r\nMessage-ID: <${id}>\r\n\r\nduring the move\r\n`,
        });
        accepted.push({ id, at: Date.now() });
      } catch {
        // Not accepted: not owed.
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    transport.close();
  })();

  await new Promise((resolve) => setTimeout(resolve, 1000));
  const { stdout } = await mailfleet('move', user.address, '--to', 'store02', '--wait', '--json');
  const [job] = JSON.parse(stdout) as MoveJob[];
  expect(job?.phase, job?.result).toBe('done');
  await new Promise((resolve) => setTimeout(resolve, 1000));
  sending = false;
  await sender;
  traffic.kill('SIGTERM');

  // When the cutover held the user's mail: from "cutover: holding" to "released the held mail".
  const { stdout: shown } = await mailfleet('moves', 'show', job!.job, '--json');
  const events = (JSON.parse(shown) as { events: MoveEvent[] }).events;
  const heldFrom = events.find((e) => e.text.startsWith('cutover: holding'))!.at;
  const heldUntil = events.find((e) => e.text.startsWith('released the held mail'))!.at;
  const duringCutover = accepted.filter((a) => a.at >= heldFrom && a.at <= heldUntil);
  expect(duringCutover.length).toBeGreaterThan(0);

  // Reconnecting, the client sees the same folders, UIDVALIDITY, UIDs and flags, and the new mail.
  expect(idlerClosed).toBe(true);
  const reader = client();
  await reader.connect();
  let after = await readMailbox(reader);
  const owed = new Set([...before.ids, ...accepted.map((a) => `<${a.id}>`)]);
  // Lab traffic mails random lab users, this one too now and then: its messages count against
  // duplicates, but what is owed is what this test seeded and what the director accepted from it.
  const ours = () => after.ids.filter((id) => id.endsWith('@move.test>'));
  for (let wait = 0; ours().length < owed.size && wait < 60; wait++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    after = await readMailbox(reader);
  }
  await reader.logout();
  expect(after.ids.length).toBe(new Set(after.ids).size);
  expect(new Set(ours())).toEqual(owed);
  expect(after.subscribed).toEqual(before.subscribed);
  for (const folder of folders) {
    expect(after.state[folder]?.uidValidity, folder).toBe(before.state[folder]?.uidValidity);
    const kept = after.state[folder]!.messages.slice(0, before.state[folder]!.messages.length);
    expect(kept, folder).toEqual(before.state[folder]!.messages);
  }
  const entry = JSON.parse((await mailfleet('moves', '--json')).stdout) as {
    keptCopies: Array<{ user: string }>;
  };
  expect(entry.keptCopies.map((c) => c.user)).toContain(user.address);
}, 900_000);
