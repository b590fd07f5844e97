/**
 * One lab node as an OS process: spawn `mailfleet-agent --config`, record its pid, and signal it.
 * A pid file is only trusted after checking /proc that the pid still runs that node's config, so a
 * recycled pid is never killed by mistake.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabLayout } from './lab-layout.js';

/** The agent's command (bin/mailfleet-agent.js, which runs the build in dist/), found from the package root. */
export function agentEntryPoint(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the mailfleet package root');
    dir = up;
  }
  if (!existsSync(join(dir, 'dist', 'agent', 'cli.js'))) {
    throw new Error(`the agent is not built in ${dir}/dist: run 'npm run build' first`);
  }
  return join(dir, 'bin', 'mailfleet-agent.js');
}

/** Starts a node's agent detached from our terminal; its output goes to the node's agent.log. */
export async function spawnNode(layout: LabLayout, name: string): Promise<number> {
  const log = openSync(layout.nodeLog(name), 'a', 0o600);
  try {
    const child = spawn(process.execPath, [agentEntryPoint(), '--config', layout.nodeConfig(name)], {
      stdio: ['ignore', log, log],
      // Own process group: a Ctrl-C in the terminal reaches only the supervisor, which then stops
      // the nodes in order instead of every process dying at once.
      detached: true,
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`could not start ${name}`);
    child.unref();
    await writeFile(layout.nodePid(name), `${pid}\n`);
    return pid;
  } finally {
    closeSync(log);
  }
}

/** The pid of a running node, or undefined when it is not running. */
export async function runningNodePid(layout: LabLayout, name: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(layout.nodePid(name), 'utf8');
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  return processRuns(pid, layout.nodeConfig(name)) ? pid : undefined;
}

/** Whether `pid` is alive and its command line contains `marker` (a config path). */
export function processRuns(pid: number, marker: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.split('\0').includes(marker)) return false;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited; it only waits for its parent to reap it.
    return !/^\d+ \(.*\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** Sends a signal to a node if it runs; returns whether it was running. */
export async function signalNode(layout: LabLayout, name: string, signal: NodeJS.Signals): Promise<boolean> {
  const pid = await runningNodePid(layout, name);
  if (pid === undefined) return false;
  try {
    process.kill(pid, signal);
  } catch {
    return false;
  }
  return true;
}

/** Waits until a node's process is gone (or the timeout passes); returns whether it is gone. */
export async function waitForNodeExit(layout: LabLayout, name: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await runningNodePid(layout, name)) === undefined) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (await runningNodePid(layout, name)) === undefined;
}

/** Stops a node: SIGTERM, then SIGKILL if it has not exited in `graceMs`. Removes its pid file. */
export async function stopNode(layout: LabLayout, name: string, graceMs = 10_000): Promise<void> {
  if (await signalNode(layout, name, 'SIGTERM')) {
    if (!(await waitForNodeExit(layout, name, graceMs))) {
      await signalNode(layout, name, 'SIGKILL');
      await waitForNodeExit(layout, name, 2000);
    }
  }
  await rm(layout.nodePid(name), { force: true });
}
