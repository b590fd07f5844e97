import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isFinal } from '../../../../agent/mail/director/queue/queue-entry.js';
import { QueueSpool } from '../../../../agent/mail/director/queue/queue-spool.js';
import { LmtpServer } from '../../../../agent/mail/store/lmtp/lmtp-server.js';
import { MaildirStorage } from '../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, removeTempDir } from '../store/maildir/maildir-test-support.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../..');
const childScript = join(import.meta.dirname, 'director-queue-child.mjs');
const domain = 'crash.test';
const users = ['u1@crash.test', 'u2@crash.test', 'u3@crash.test'];
const kills = 12;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startChild(compiled: string, queueRoot: string, lmtpPort: number) {
  const child = spawn(process.execPath, [childScript, compiled, queueRoot, String(lmtpPort), domain], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('director queue crash recovery (child killed with SIGKILL while clients send)', () => {
  let compiled: string;
  let storeRoot: string;
  let queueRoot: string;
  let storage: MaildirStorage;
  let lmtp: LmtpServer;

  beforeAll(async () => {
    compiled = await mkdtemp(join(repository, 'test-output', 'director-child-'));
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    await run(
      process.execPath,
      [tsc, '-p', join(import.meta.dirname, 'director-child.tsconfig.json'), '--outDir', compiled],
      {
        cwd: repository,
      },
    );
    storeRoot = await makeTempDir('director-crash-store-');
    queueRoot = await makeTempDir('director-crash-queue-');
    storage = new MaildirStorage({ root: storeRoot, hostName: 'crash-store' });
    lmtp = new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage,
      serverName: 'crash-store',
      maxMessageBytes: 1024 * 1024,
      recipientLookup: async (address) =>
        address.endsWith(`@${domain}`) ? { user: address, quotaBytes: 0 } : undefined,
    });
    await lmtp.start();
  }, 120_000);

  afterAll(async () => {
    await lmtp.stop();
    await storage.close();
    await removeTempDir(storeRoot);
    await removeTempDir(queueRoot);
    await rm(compiled, { recursive: true, force: true });
  });

  async function tokensIn(user: string): Promise<string[]> {
    const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
    const tokens = await Promise.all(
      view.messages().map(async (m) => /X-Token: (\S+)/.exec((await view.read(m.uid)).toString())?.[1] ?? ''),
    );
    view.close();
    return tokens;
  }

  /**
   * `token user` of every recipient the spool still owed at this moment: queued, not yet recorded
   * delivered. Read right after a kill, these are the deliveries in flight (or not yet started) when
   * the director died: the only ones a restart may hand to the store a second time.
   */
  async function owedInSpool(): Promise<string[]> {
    const spool = new QueueSpool(queueRoot);
    const owed: string[] = [];
    for (const { header, records } of await spool.load(() => {})) {
      const token = /X-Token: (\S+)/.exec((await spool.content(header.id)).toString())?.[1] ?? '';
      const final = new Set(records.filter((r) => isFinal(r.s)).map((r) => r.i));
      header.recipients.forEach((r, index) => {
        if (!final.has(index)) owed.push(`${token} ${r.address}`);
      });
    }
    return owed;
  }

  it(`delivers every message that got a 250 after ${kills} kills at random moments; duplicates only for deliveries in flight at a kill`, async () => {
    const acknowledged = new Map<string, string[]>();
    const owedAtAKill = new Set<string>();
    let sequence = 0;
    for (let round = 0; round < kills; round++) {
      const { child, port } = await startChild(compiled, queueRoot, lmtp.port);
      let stop = false;
      const sender = async (client: number) => {
        const transport = createTransport({
          host: '127.0.0.1',
          port,
          ignoreTLS: true,
          pool: true,
          maxConnections: 1,
        });
        while (!stop) {
          const token = `r${round}c${client}n${sequence++}`;
          const to = users.filter((_u, i) => (sequence + i) % 2 === 0 || i === client % users.length);
          try {
            await transport.sendMail({
              envelope: { from: 'load@outside.example', to },
              raw: `Subject: ${token}\r\nX-Token: ${token}\r\n\r\n${'load text\r\n'.repeat(40)}`,
            });
            acknowledged.set(token, to);
          } catch {
            // No 250: this message may or may not arrive; it is not counted.
            break;
          }
        }
        transport.close();
      };
      const senders = [0, 1, 2, 3].map((client) => sender(client));
      // Once this round's load is flowing, kill at a random moment: mid-DATA, mid-fsync, mid-delivery.
      const flowing = acknowledged.size + 5;
      while (acknowledged.size < flowing) await sleep(5);
      await sleep(Math.random() * 400);
      await killHard(child);
      stop = true;
      await Promise.all(senders);
      for (const owed of await owedInSpool()) owedAtAKill.add(owed);
    }
    const { child } = await startChild(compiled, queueRoot, lmtp.port);
    try {
      const missing = async () => {
        const found = new Map(
          await Promise.all(users.map(async (u) => [u, new Set(await tokensIn(u))] as const)),
        );
        return [...acknowledged].filter(([token, to]) => to.some((u) => !found.get(u)?.has(token)));
      };
      while ((await missing()).length > 0) await sleep(50);
      expect(acknowledged.size).toBeGreaterThanOrEqual(kills * 5);
      expect(await missing()).toEqual([]);
      // Every duplicate must be a delivery the spool still owed at one of the kills.
      const duplicated: string[] = [];
      for (const user of users) {
        const seen = new Set<string>();
        for (const token of await tokensIn(user)) {
          if (seen.has(token)) duplicated.push(`${token} ${user}`);
          seen.add(token);
        }
      }
      console.info(
        `crash test: ${kills} kills, ${acknowledged.size} acknowledged messages, ` +
          `${owedAtAKill.size} deliveries owed at a kill, ${duplicated.length} duplicate deliveries`,
      );
      expect(duplicated.filter((d) => !owedAtAKill.has(d))).toEqual([]);
      // A message never delivered twice more than once per kill that found it owed.
      expect(duplicated.length).toBeLessThanOrEqual(owedAtAKill.size);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 240_000);
});
