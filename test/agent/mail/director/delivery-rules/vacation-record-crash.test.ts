/**
 * The vacation record survives kill -9: a child process claims replies for new senders without
 * end and is killed with SIGKILL several times at random moments; after each kill every sender it
 * reported as claimed (the reply would have been queued) is still recorded, so no sender can get a
 * second reply, and the record still takes new claims (no torn file).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VacationRecord } from '../../../../../agent/mail/director/delivery-rules/vacation-record.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../../..');
const childScript = join(import.meta.dirname, 'vacation-record-child.mjs');

describe('vacation record under kill -9', () => {
  let compiled: string;
  let root: string;

  beforeAll(async () => {
    compiled = await mkdtemp(join(repository, 'test-output', 'vacation-child-'));
    const tsc = join(repository, 'node_modules/typescript/bin/tsc');
    const project = join(import.meta.dirname, '../director-child.tsconfig.json');
    await run(process.execPath, [tsc, '-p', project, '--outDir', compiled], { cwd: repository });
    root = await mkdtemp(join(tmpdir(), 'mailfleet-vacation-crash-'));
  }, 120_000);
  afterAll(async () => {
    if (compiled) await rm(compiled, { recursive: true, force: true });
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('keeps every reported claim across SIGKILLs, and takes new claims after', async () => {
    const claimed = new Set<number>();
    for (let round = 0; round < 4; round++) {
      const child: ChildProcess = spawn(process.execPath, [childScript, compiled, root], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
      let seen = 0;
      const target = 5 + Math.floor(Math.random() * 20);
      await new Promise<void>((resolve) => {
        lines.on('line', (line) => {
          claimed.add(Number(line) + round * 1_000_000);
          seen++;
          if (seen === target) resolve();
        });
      });
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
      // Each round's child counts from 0 again: its senders were claimed already, except new ones.
      const record = new VacationRecord(root);
      for (const n of [...claimed].filter((c) => c >= round * 1_000_000).map((c) => c - round * 1_000_000))
        expect(await record.claim('carol@alpha.example', `sender-${n}@far.example`, Date.now())).toBe(false);
    }
    expect(
      await new VacationRecord(root).claim('carol@alpha.example', 'brand-new@far.example', Date.now()),
    ).toBe(true);
  }, 120_000);
});
