import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpServer } from '../../../../agent/mail/lmtp/lmtp-server.js';
import { MaildirStorage } from '../../../../agent/mail/maildir/maildir-storage.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../..');
const childScript = join(import.meta.dirname, 'director-queue-child.mjs');
const domain = 'crash.test';
const users = ['u1@crash.test', 'u2@crash.test', 'u3@crash.test'];

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

  it('delivers every message that got a 250, to each of its recipients, after 6 kills', async () => {
    const acknowledged = new Map<string, string[]>();
    let sequence = 0;
    for (let round = 0; round < 6; round++) {
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
      // Kill after a varying number of acknowledged messages (not a timing assert: it only picks when).
      const target = acknowledged.size + 20 + round * 7;
      while (acknowledged.size < target) await new Promise((resolve) => setTimeout(resolve, 5));
      await killHard(child);
      stop = true;
      await Promise.all(senders);
    }
    const { child } = await startChild(compiled, queueRoot, lmtp.port);
    try {
      const missing = async () => {
        const found = new Map(
          await Promise.all(users.map(async (u) => [u, new Set(await tokensIn(u))] as const)),
        );
        return [...acknowledged].filter(([token, to]) => to.some((u) => !found.get(u)?.has(token)));
      };
      while ((await missing()).length > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(acknowledged.size).toBeGreaterThanOrEqual(6 * 20);
      expect(await missing()).toEqual([]);
      // Duplicates are allowed only for messages in flight at a kill: count them.
      let duplicates = 0;
      for (const user of users) {
        const tokens = await tokensIn(user);
        duplicates += tokens.length - new Set(tokens).size;
      }
      console.info(
        `crash test: ${acknowledged.size} acknowledged messages, ${duplicates} duplicate deliveries`,
      );
      expect(duplicates).toBeLessThanOrEqual(6 * 10 * users.length);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 180_000);
});
