/**
 * `npm run bench -- move-floor`: what the move bench's 1 GiB copy costs at the least in Node through
 * ssh2 (floor-copy.ts: two processes, records of 1 MiB, SHA-256 on both sides, every file written
 * new with its mtime, one flush at the end), against `rsync -a` of the same Maildir, in the same
 * run, interleaved round by round. It answers one question for the move engine: whether Node and
 * SSH alone keep the move from its goal (>= 0.8 of rsync) on this machine, or the engine does.
 *
 * Nothing is deleted before a timed copy (rsync-peer.ts says why), and `sync` runs before each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { generateEd25519KeyPair } from '../../agent/common/rpc/ssh-key-generation.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';
import { percentile, round } from '../stats.js';
import { mixedSize, writeMaildir } from './bench-mailboxes.js';
import type { FloorFigures } from './floor-copy.js';
import { flushDisks, rsyncLocally } from './rsync-peer.js';

const messages = 20_000;
const rounds = 3;
const copyScript = fileURLToPath(new URL('./floor-copy.js', import.meta.url));

/** One round: rsync's seconds, and the floor copy's seconds and CPU on each side. */
interface FloorRound {
  rsync: number;
  floor: number;
  sourceCpu: number;
  targetCpu: number;
  flush: number;
}

/** The first line a child prints (a JSON line, or the server's port and password). */
function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.close();
      resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`floor-copy exited ${code} before it answered`)));
  });
}

/** One floor copy of `maildir` into the new `target`. */
async function floorCopy(
  maildir: string,
  hostKey: string,
  target: string,
): Promise<Omit<FloorRound, 'rsync'>> {
  const server = spawn(process.execPath, [copyScript, 'serve', maildir, hostKey], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [port, token] = (await firstLine(server)).split(' ');
  const serverFigures = new Promise<FloorFigures>((resolve, reject) => {
    const lines = createInterface({ input: server.stdout! });
    lines.once('line', (line) => resolve(JSON.parse(line) as FloorFigures));
    server.once('exit', (code) => code !== 0 && reject(new Error(`the floor source exited ${code}`)));
  });
  const began = performance.now();
  const puller = spawn(process.execPath, [copyScript, 'pull', port!, token!, target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const pulled = JSON.parse(await firstLine(puller)) as FloorFigures;
  const floor = (performance.now() - began) / 1000;
  const served = await serverFigures;
  if (pulled.files !== served.files || pulled.bytes !== served.bytes)
    throw new Error(`the floor copy wrote ${pulled.files} files, the source sent ${served.files}`);
  return {
    floor,
    sourceCpu: served.cpuSeconds,
    targetCpu: pulled.cpuSeconds,
    flush: pulled.flushSeconds ?? 0,
  };
}

export async function runMoveFloorBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  ensureSystemRequirements([
    { program: '/usr/bin/rsync', debianPackage: 'rsync', why: 'the move-floor bench compares with rsync -a' },
  ]);
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-move-floor-'));
  try {
    const hostKey = join(root, 'host_ed25519');
    writeFileSync(hostKey, generateEd25519KeyPair().private, { mode: 0o600 });
    const maildir = join(root, 'source', 'Maildir');
    say(`writing a ${messages}-message Maildir ...`);
    const bytes = writeMaildir(
      maildir,
      Array.from({ length: messages }, (_, i) => mixedSize(i)),
      'floor',
    );
    const mb = bytes / 1e6;
    say(`the mailbox: ${round(mb, 0)} MB in ${messages} messages`);
    let copies = 0;
    const fresh = () => join(root, `copy-${++copies}`);
    // A first copy reads the Maildir once, so both start from the page cache.
    await rsyncLocally(maildir, fresh());
    const figures: FloorRound[] = [];
    for (let r = 1; r <= rounds; r++) {
      say(`round ${r} of ${rounds}`);
      await flushDisks();
      const rsyncSeconds = await rsyncLocally(maildir, fresh());
      say(`  rsync -a    ${round(rsyncSeconds, 2)} s, ${round(mb / rsyncSeconds, 1)} MB/s`);
      await flushDisks();
      const floor = await floorCopy(maildir, hostKey, join(fresh(), 'Maildir'));
      say(
        `  floor copy  ${round(floor.floor, 2)} s, ${round(mb / floor.floor, 1)} MB/s (flush ${round(floor.flush, 2)} s; CPU: source ${round(floor.sourceCpu, 2)} s, target ${round(floor.targetCpu, 2)} s)`,
      );
      figures.push({ rsync: rsyncSeconds, ...floor });
    }
    const median = (pick: (f: FloorRound) => number) => percentile(figures.map(pick), 50);
    const medians = {
      rsync: median((f) => f.rsync),
      floor: median((f) => f.floor),
      sourceCpu: median((f) => f.sourceCpu),
      targetCpu: median((f) => f.targetCpu),
    };
    const ratio = round(medians.rsync / medians.floor, 2);
    say(
      `medians over ${rounds} rounds: floor copy ${round(medians.floor, 2)} s, rsync -a ${round(medians.rsync, 2)} s; ratio to rsync -a: ${ratio} (the move's goal: >= 0.8)`,
    );
    return {
      mailbox: { messages, bytes },
      rounds: figures.map((f) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, round(v, 3)]))),
      medians: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, round(v, 3)])),
      ratioToRsync: ratio,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
