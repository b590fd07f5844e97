/**
 * `npm run bench -- lab`: how long `mailfleet lab up` of the reference fleet (35 stores, a spare,
 * a director, a gateway, the directory with 20 domains and 40,000 users) takes until every node
 * answers `mailfleet status`, measured from the command's start as a user would: first on a new
 * home, then a second `lab up` on the same home. Each figure comes with the load average, since
 * 39 agent processes share the machine's cores with whatever else runs.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { packageRoot } from '../../main/console/console-paths.js';
import { round } from '../stats.js';

const cli = join(packageRoot(), 'bin', 'mailfleet.js');
const run = promisify(execFile);
// A bound, not a target: the issue asks for 30 s (new home) and 15 s (second start).
const giveUpMs = 180_000;

/** One `lab up`: seconds until it printed its line and until `mailfleet status` showed every node up. */
interface LabStart {
  labLineSeconds: number;
  allAnswerSeconds: number;
  nodes: number;
  load1AtStart: number;
  load1AtEnd: number;
  /** What lab up printed about its phases (the line numbers are its own). */
  output: string;
}

export async function runLabBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  const home = await mkdtemp(join(tmpdir(), 'mailfleet-bench-lab-'));
  try {
    const fresh = await timeLabUp(home);
    say(
      `new home: lab up line after ${fresh.labLineSeconds} s, all ${fresh.nodes} nodes answer mailfleet status ` +
        `after ${fresh.allAnswerSeconds} s (load ${fresh.load1AtStart} -> ${fresh.load1AtEnd})`,
    );
    const again = await timeLabUp(home);
    say(
      `same home again: lab up line after ${again.labLineSeconds} s, all ${again.nodes} nodes answer ` +
        `mailfleet status after ${again.allAnswerSeconds} s (load ${again.load1AtStart} -> ${again.load1AtEnd})`,
    );
    return {
      newHome: withoutOutput(fresh),
      sameHome: withoutOutput(again),
      targets: { newHomeSeconds: 30, sameHomeSeconds: 15 },
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

function withoutOutput({ output: _output, ...figures }: LabStart): Omit<LabStart, 'output'> {
  return figures;
}

/** Starts `lab up` on `home`, times it, then stops it (SIGTERM) and waits until it has stopped every node. */
async function timeLabUp(home: string): Promise<LabStart> {
  const load1AtStart = round(loadavg()[0] ?? 0, 2);
  const began = performance.now();
  const lab = spawn(process.execPath, [cli, 'lab', 'up', '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  lab.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  lab.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    let labLineSeconds: number | undefined;
    for (;;) {
      if (lab.exitCode !== null) throw new Error(`lab up exited: ${output}`);
      if (performance.now() - began > giveUpMs) throw new Error(`lab up: not every node answered: ${output}`);
      if (labLineSeconds === undefined && /lab up: all \d+ nodes answering/.test(output))
        labLineSeconds = seconds(began);
      // Polling with the CLI before the lab's own line would add a CLI process's start-up to the load.
      const status = labLineSeconds === undefined ? { all: false, nodes: 0 } : await statusOf(home);
      if (status.all) {
        return {
          labLineSeconds: labLineSeconds ?? seconds(began),
          allAnswerSeconds: seconds(began),
          nodes: status.nodes,
          load1AtStart,
          load1AtEnd: round(loadavg()[0] ?? 0, 2),
          output,
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await stop(lab);
  }
}

/** `mailfleet status --json` on the lab's profile: whether every node is up (false while the lab starts). */
async function statusOf(home: string): Promise<{ all: boolean; nodes: number }> {
  try {
    const { stdout } = await run(process.execPath, [cli, 'status', '--json'], {
      env: { ...process.env, MAILFLEET_FLEET: join(home, 'fleet.json') },
      timeout: 30_000,
    });
    const nodes = JSON.parse(stdout) as { state: string }[];
    return { all: nodes.length > 0 && nodes.every((node) => node.state === 'up'), nodes: nodes.length };
  } catch {
    return { all: false, nodes: 0 };
  }
}

function seconds(since: number): number {
  return round((performance.now() - since) / 1000, 1);
}

async function stop(lab: ChildProcess): Promise<void> {
  if (lab.exitCode !== null || lab.signalCode !== null) return;
  const exited = new Promise((resolve) => lab.once('exit', resolve));
  lab.kill('SIGTERM');
  await exited;
}
