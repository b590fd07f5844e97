/**
 * `npm run bench -- store`: our store node (a real agent in a one-store lab: LMTP, IMAP, Maildir,
 * directory logins) against Debian's Dovecot started in the same run, with the same clients:
 * - LMTP durable delivery rate, 4 KB messages, 20 concurrent connections;
 * - IMAP FETCH (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE) of a 10,000-message INBOX with imapflow;
 * - memory per 100 idle, logged-in IMAP sessions;
 * - a 100,000-message INBOX put into the Maildir by another program (large-mailbox.ts): first SELECT,
 *   FETCH 1:* (UID FLAGS), SEARCH SUBJECT, STORE on 1,000, second SELECT, memory with one and three
 *   such INBOXes, and imaptest's stress throughput (50 clients, 30 s).
 * Ratios are written so that above 1.0 means we are better.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { round } from '../stats.js';
import { startBenchLab } from '../support/bench-lab.js';
import { measureDovecotAlone } from './dovecot-alone.js';
import { startDovecotPeer } from './dovecot-peer.js';
import {
  type ImapTarget,
  openIdleSessions,
  timeFetchAll,
  treeMemoryBytes,
  treePssBytes,
} from './imap-measure.js';
import { type LargeMailboxFigures, runLargeMailboxSide, writeLargeMaildir } from './large-mailbox.js';
import { lmtpLoad } from './lmtp-load.js';

const deliveryMessages = 4000;
const fetchMessages = 10_000;
const concurrency = 20;
const idleSessions = 100;
const largeMessages = 100_000;
const run = promisify(execFile);

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}

interface Side {
  name: string;
  lmtpPort: number;
  imapPort: number;
  pid: number;
}

function port(endpoint: string | undefined, what: string): number {
  const value = Number(endpoint?.split(':').pop());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`the lab store has no ${what} endpoint`);
  return value;
}

export async function runStoreBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-store-'));
  say('starting a one-store lab and Dovecot ...');
  const lab = await startBenchLab(join(root, 'lab'), [
    '--stores',
    '1',
    '--spares',
    '0',
    '--users',
    '25',
    '--domains',
    '1',
  ]);
  try {
    const store = lab.profile.nodes.find((n) => n.name === 'store01');
    if (!store) throw new Error('the lab has no store01');
    const pid = Number((await readFile(join(lab.home, 'nodes', 'store01', 'agent.pid'), 'utf8')).trim());
    const users = lab.users;
    const dovecot = await startDovecotPeer(join(root, 'dovecot'), users);
    try {
      const ours: Side = {
        name: 'mailfleet',
        lmtpPort: port(store.services.lmtp, 'lmtp'),
        imapPort: port(store.services.imap, 'imap'),
        pid,
      };
      const theirs: Side = {
        name: 'Dovecot',
        lmtpPort: dovecot.lmtpPort,
        imapPort: dovecot.imapPort,
        pid: dovecot.pid,
      };
      const recipients = users.slice(1, 21).map((u) => u.address);
      const reader = users[0]!;
      const large = users.slice(21, 24);
      const stressUser = users[24]!;

      const delivery: Record<string, number> = {};
      for (const side of [theirs, ours]) {
        const result = await lmtpLoad({
          port: side.lmtpPort,
          recipients,
          messages: deliveryMessages,
          concurrency,
        });
        if (result.failed > 0)
          throw new Error(`${side.name} refused ${result.failed} deliveries: ${result.firstFailure}`);
        delivery[side.name] = result.perSecond;
        say(
          `${side.name}: LMTP ${deliveryMessages} x 4 KB, ${concurrency} concurrent: ${round(result.perSecond, 0)} messages/s`,
        );
      }
      const deliveryRatio = delivery.mailfleet! / delivery.Dovecot!;
      say(`LMTP durable delivery rate ours/Dovecot: ${round(deliveryRatio, 2)}`);

      const fetchMs: Record<string, number> = {};
      const idleBytesPer100: Record<string, number> = {};
      for (const side of [theirs, ours]) {
        const fill = await lmtpLoad({
          port: side.lmtpPort,
          recipients: [reader.address],
          messages: fetchMessages,
          concurrency,
        });
        if (fill.failed > 0)
          throw new Error(`${side.name} refused ${fill.failed} deliveries: ${fill.firstFailure}`);
        const target: ImapTarget = { port: side.imapPort, user: reader.address, password: reader.password };
        const runs: number[] = [];
        for (let i = 0; i < 3; i++) {
          const { ms, messages } = await timeFetchAll(target);
          if (messages !== fetchMessages)
            throw new Error(`${side.name} fetched ${messages} of ${fetchMessages} messages`);
          runs.push(ms);
        }
        fetchMs[side.name] = Math.min(...runs);
        say(
          `${side.name}: FETCH of ${fetchMessages} messages (best of 3): ${round(fetchMs[side.name]!, 0)} ms`,
        );

        // Warm up once so allocator pools and caches are not counted as session cost.
        await (await openIdleSessions(target, idleSessions))();
        await new Promise((r) => setTimeout(r, 2000));
        const before = treePssBytes(side.pid);
        const close = await openIdleSessions(target, idleSessions);
        await new Promise((r) => setTimeout(r, 2000));
        const after = treePssBytes(side.pid);
        await close();
        idleBytesPer100[side.name] = after - before;
        say(
          `${side.name}: memory for ${idleSessions} idle IMAP sessions: ${round((after - before) / 1024 ** 2, 1)} MiB`,
        );
      }
      const fetchRatio = fetchMs.Dovecot! / fetchMs.mailfleet!;
      say(`IMAP FETCH speed ours/Dovecot: ${round(fetchRatio, 2)}`);

      say(`writing a ${largeMessages}-message Maildir ...`);
      const template = join(root, 'large-template');
      writeLargeMaildir(template, largeMessages);
      const largeFigures: Record<string, LargeMailboxFigures> = {};
      for (const side of [
        {
          name: 'Dovecot',
          imapPort: theirs.imapPort,
          pid: theirs.pid,
          mailRoot: join(root, 'dovecot', 'mail'),
          prepare: async (maildirs: string[]) => {
            for (const maildir of maildirs) await run('chown', ['-R', 'mail:mail', join(maildir, '..')]);
          },
        },
        {
          name: 'mailfleet',
          imapPort: ours.imapPort,
          pid: ours.pid,
          mailRoot: join(lab.home, 'nodes', 'store01', 'data', 'mail'),
        },
      ]) {
        say(
          `load average now: ${loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        );
        largeFigures[side.name] = await runLargeMailboxSide(
          side,
          template,
          largeMessages,
          large,
          stressUser,
          treeMemoryBytes,
          say,
        );
      }
      const ourLarge = largeFigures.mailfleet!;
      const theirLarge = largeFigures.Dovecot!;
      const timeKeys = ['firstSelect', 'fetchUidFlags', 'searchSubject', 'storeFlags1000', 'secondSelect'];
      const largeRatios = Object.fromEntries(
        timeKeys.map((key) => {
          const k = key as keyof typeof ourLarge.times;
          return [key, round(theirLarge.times[k] / ourLarge.times[k], 2)];
        }),
      );
      say(`large INBOX speed ours/Dovecot: ${JSON.stringify(largeRatios)}`);
      const stressRatio = round(
        sum(ourLarge.stress.perSecond) / Math.max(1, sum(theirLarge.stress.perSecond)),
        2,
      );
      say(`imaptest stress commands/s ours/Dovecot: ${stressRatio}`);
      return {
        ...(await measureDovecotAlone(join(root, 'dovecot-alone'), users.slice(1), delivery.mailfleet!, say)),
        deliveriesPerSecond: {
          mailfleet: round(delivery.mailfleet!, 0),
          dovecot: round(delivery.Dovecot!, 0),
        },
        deliveryRatio: round(deliveryRatio, 2),
        fetch10kMs: { mailfleet: round(fetchMs.mailfleet!, 0), dovecot: round(fetchMs.Dovecot!, 0) },
        fetchRatio: round(fetchRatio, 2),
        idleSessionsMiBPer100: {
          mailfleet: round(idleBytesPer100.mailfleet! / 1024 ** 2, 1),
          dovecot: round(idleBytesPer100.Dovecot! / 1024 ** 2, 1),
        },
        largeInbox: {
          messages: largeMessages,
          mailfleet: ourLarge,
          dovecot: theirLarge,
          ratios: largeRatios,
          stressRatio,
        },
      };
    } finally {
      await dovecot.stop();
    }
  } finally {
    await lab.stop();
    await rm(root, { recursive: true, force: true, maxRetries: 5 }).catch(() => {});
  }
}
