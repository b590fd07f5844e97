/**
 * The greylist's files after SIGKILL: a child process decides for new triplets, flushing and
 * compacting as it goes, and is killed at random moments (also inside compactions); each restart
 * must open the files and hold at least every triplet the child had reported on disk.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Greylist } from '../../../../agent/mail/gateway/greylist.js';
import { GreylistJournal } from '../../../../agent/mail/gateway/greylist-journal.js';

const run = promisify(execFile);
const repository = join(import.meta.dirname, '../../../..');
const child = join(import.meta.dirname, 'greylist-crash-child.mjs');
let compiled: string;
let stateDir: string;

beforeAll(async () => {
  await mkdir(join(repository, 'test-output'), { recursive: true });
  // Compiled inside the repository so the child resolves zod from node_modules.
  compiled = await mkdtemp(join(repository, 'test-output', 'greylist-child-'));
  stateDir = await mkdtemp(join(compiled, 'state-'));
  const tsc = join(repository, 'node_modules/typescript/bin/tsc');
  const files = ['greylist.ts', 'greylist-journal.ts'].map((f) => join(repository, 'agent/mail/gateway', f));
  await run(process.execPath, [
    tsc,
    '--outDir',
    compiled,
    '--rootDir',
    repository,
    '--module',
    'NodeNext',
    '--moduleResolution',
    'NodeNext',
    '--target',
    'ES2022',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    ...files,
  ]);
});

afterAll(async () => {
  if (compiled) await rm(compiled, { recursive: true, force: true });
});

/** Starts the child, waits until it reported `minimum` durable triplets plus a random extra, kills it. */
function runAndKill(minimum: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, compiled, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const target = minimum + Math.floor(Math.random() * 400);
    let durable = 0;
    let buffer = '';
    let errors = '';
    proc.stderr.on('data', (chunk: Buffer) => {
      errors += chunk.toString();
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) durable = (JSON.parse(line) as { durable: number }).durable;
      if (durable >= target && proc.exitCode === null && proc.pid) process.kill(proc.pid, 'SIGKILL');
    });
    proc.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(durable);
      else reject(new Error(`greylist child exited without being killed: ${errors}`));
    });
  });
}

describe('greylist after SIGKILL', () => {
  it('reopens with every reported triplet, ten kills in a row', async () => {
    let reported = 0;
    for (let round = 0; round < 10; round += 1) {
      reported = await runAndKill(reported + 100);
      const greylist = new Greylist({
        clock: { now: () => 1_800_000_000_000 },
        journal: new GreylistJournal({ dir: stateDir }),
      });
      greylist.open();
      const pending = greylist.counts().pendingTriplets;
      greylist.close();
      expect(pending).toBeGreaterThanOrEqual(reported);
      reported = pending;
    }
  });
});
