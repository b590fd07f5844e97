/**
 * Crash safety of bounce DSNs with real SIGKILLs: a child process queues messages that all bounce
 * while the test kills it with SIGKILL ten times at varying points; each kill can land between the
 * bounced record, the DSN's spool write and the notice record (queue-notices.ts orders them). After
 * the last restart, every message that got its 250 has exactly one bounce DSN, and no original is
 * left behind.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../../..');
const childScript = join(import.meta.dirname, 'queue-dsn-child.mjs');

async function startChild(compiled: string, queueRoot: string, acks: string, mode: 'load' | 'settle') {
  const child = spawn(process.execPath, [childScript, compiled, queueRoot, acks, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return { child, lines };
}

async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

const ackedIds = async (file: string) =>
  (await readFile(file, 'utf8').catch(() => ''))
    .split('\n')
    // A line cut by the kill is not an acknowledgement.
    .filter((line) => /^[A-Za-z0-9_-]+$/.test(line));

describe('bounce DSNs across kill -9 (child process)', () => {
  let compiled: string;
  let queueRoot: string;
  let work: string;

  beforeAll(async () => {
    compiled = await mkdtemp(join(repository, 'test-output', 'queue-dsn-child-'));
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    await run(
      process.execPath,
      [
        tsc,
        '-p',
        join(repository, 'test/agent/mail/director/director-child.tsconfig.json'),
        '--outDir',
        compiled,
      ],
      { cwd: repository },
    );
    queueRoot = await makeTempDir('queue-dsn-crash-');
    work = await makeTempDir('queue-dsn-acks-');
  }, 120_000);
  afterAll(async () => {
    await removeTempDir(queueRoot);
    await removeTempDir(work);
    await rm(compiled, { recursive: true, force: true });
  });

  it('every acknowledged bounced message has exactly one DSN after 10 kills; none lost, none doubled', async () => {
    const acks = join(work, 'acks');
    for (let round = 0; round < 10; round++) {
      const { child, lines } = await startChild(compiled, queueRoot, acks, 'load');
      await once(lines, 'line');
      // Kill after a varying number of new acknowledgements (it only picks when; not a timing assert).
      const target = (await ackedIds(acks)).length + 15 + ((round * 7) % 23);
      while ((await ackedIds(acks)).length < target) await new Promise((resolve) => setTimeout(resolve, 2));
      await killHard(child);
    }
    const acknowledged = await ackedIds(acks);
    const { child, lines } = await startChild(compiled, queueRoot, acks, 'settle');
    const [line] = (await once(lines, 'line')) as [string];
    await once(child, 'exit');
    const { dsns } = JSON.parse(line) as { dsns: { id: string; recipients: string[] }[] };
    const dsnIds = new Set(dsns.map((d) => d.id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(150);
    // Not lost: each acknowledged message has its DSN, to its sender.
    expect(acknowledged.filter((id) => !dsnIds.has(`${id}-b0`))).toEqual([]);
    // Not doubled: one DSN per original (in flight at a kill but not acknowledged counts once too).
    const originals = dsns.map((d) => d.id.replace(/-b\d+$/, ''));
    expect(originals.length).toBe(new Set(originals).size);
    expect(dsns.every((d) => /^sender[0-3]@origin\.test$/.test(d.recipients[0] ?? ''))).toBe(true);
    // Every original is gone from the spool (its state says final and its DSN noted).
    const files = await readdir(join(queueRoot, 'messages'));
    expect(files.filter((f) => f.endsWith('.msg') && !/-b\d+\.msg$/.test(f))).toEqual([]);
    const sample = await readFile(join(queueRoot, 'messages', `${acknowledged[0]}-b0.msg`), 'utf8');
    expect(sample).toContain('Action: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.remote.test');
    console.info(`DSN crash test: ${acknowledged.length} acknowledged, ${dsns.length} DSNs after 10 kills`);
  }, 240_000);
});
