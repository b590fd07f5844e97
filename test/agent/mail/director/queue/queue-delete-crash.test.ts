/**
 * Crash safety of queue.delete: a child process deletes hundreds of queued messages (silently or
 * with a bounce) and is killed with SIGKILL in the middle, several times. After each kill the spool
 * reopens cleanly and every message is either still queued whole (its content as accepted, each
 * recipient deferred as before or recorded bounced by the delete) or gone, and a gone message never
 * comes back.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailQueue } from '../../../../../agent/mail/director/queue/mail-queue.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../../..');
const childScript = join(import.meta.dirname, 'queue-delete-child.mjs');
const perRound = 400;

describe('queue.delete under SIGKILL', () => {
  let compiled: string;
  let root: string;

  beforeAll(async () => {
    compiled = await mkdtemp(join(repository, 'test-output', 'queue-delete-child-'));
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    const project = join(repository, 'test/agent/mail/director/director-child.tsconfig.json');
    await run(process.execPath, [tsc, '-p', project, '--outDir', compiled], { cwd: repository });
    root = await makeTempDir('queue-delete-crash-');
  }, 120_000);

  afterAll(async () => {
    await removeTempDir(root);
    await rm(compiled, { recursive: true, force: true });
  });

  const spooled = async () =>
    (await readdir(join(root, 'messages'))).filter((n) => n.endsWith('.msg')).length;

  it('leaves each message queued whole or gone, over 6 kills mid-delete', async () => {
    const tokens = new Map<string, string>();
    const gone = new Set<string>();
    let partialRounds = 0;
    for (let round = 0; round < 6; round++) {
      const fill = await run(process.execPath, [childScript, compiled, root, 'fill', String(perRound)]);
      for (const { id, token } of JSON.parse(fill.stdout) as { id: string; token: string }[])
        tokens.set(id, token);
      const before = await spooled();
      const mode = round % 2 === 0 ? 'delete' : 'bounce';
      const child = spawn(process.execPath, [childScript, compiled, root, mode], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout });
      await once(lines, 'line');
      // Kill once deleting has visibly begun, a random moment later (this picks when; nothing is timed).
      while ((await spooled()) === before && child.exitCode === null)
        await new Promise((r) => setImmediate(r));
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;

      const skipped: unknown[] = [];
      const queue = new MailQueue({
        root,
        clock: { now: () => Date.now() },
        route: async () => ({ kind: 'defer', reason: 'not now' }),
        transports: { lmtp: { deliver: async () => [] } },
        backoff: { firstMs: 3_600_000, maxMs: 3_600_000 },
        log: (level, message, fields) => {
          if (level !== 'info') skipped.push({ message, ...fields });
        },
      });
      await queue.start();
      try {
        expect(skipped).toEqual([]);
        const present = new Map([...queue.entriesView()].map((e) => [e.id, e]));
        for (const id of gone) expect(present.has(id)).toBe(false);
        for (const id of tokens.keys()) if (!present.has(id)) gone.add(id);
        for (const [id, entry] of present) {
          const token = tokens.get(id);
          if (token === undefined) {
            // A bounce DSN to the sender of a message deleted with a bounce: from <>, a delivery report.
            expect(entry.sender).toBe('');
            expect((await queue.content(id)).toString()).toMatch(/message\/delivery-status/);
            continue;
          }
          expect((await queue.content(id)).toString()).toBe(
            `Subject: ${token}\r\nX-Token: ${token}\r\n\r\n${'x'.repeat(3000)}\r\n`,
          );
          for (const r of entry.recipients) {
            if (r.state === 'bounced') expect(r.lastReason).toBe('5.0.0 deleted by crash-test');
            else expect(r).toMatchObject({ state: 'deferred', lastReason: '4.3.0 store unreachable (test)' });
          }
        }
        if (present.size > 0 && present.size < before) partialRounds++;
      } finally {
        await queue.stop();
      }
    }
    console.info(`delete crash test: ${gone.size} of ${tokens.size} messages deleted over 6 kills`);
    // At least one kill landed mid-delete, or the test proved nothing about torn deletes.
    expect(partialRounds).toBeGreaterThan(0);
  }, 240_000);
});
