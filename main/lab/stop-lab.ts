/**
 * `mailfleet lab down`: stops a lab started elsewhere. Asks its supervisor to stop (SIGTERM), which
 * stops the nodes in order; nodes left running without a supervisor are stopped one by one.
 */
import type { LabLayout } from './lab-layout.js';
import { readLabState } from './lab-plan.js';
import { runningNodePid, stopNode } from './node-process.js';
import { processStartTime, runningSupervisorPid } from './supervisor-pid.js';

/** Stops the lab at `layout.home`; says what it did. */
export async function stopLab(layout: LabLayout, say: (line: string) => void): Promise<void> {
  const state = await readLabState(layout.state);
  if (!state) throw new Error(`there is no lab at ${layout.home}`);
  const supervisor = await runningSupervisorPid(layout.supervisorPid);
  if (supervisor !== undefined) {
    process.kill(supervisor, 'SIGTERM');
    const deadline = Date.now() + 60_000;
    while (processStartTime(supervisor) !== undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const leftovers: string[] = [];
  for (const node of state.nodes) {
    if ((await runningNodePid(layout, node.name)) !== undefined) leftovers.push(node.name);
  }
  // Directory last: the others may still be talking to it while they stop.
  leftovers.sort((a, b) => Number(a.startsWith('directory')) - Number(b.startsWith('directory')));
  for (const name of leftovers) await stopNode(layout, name);
  say(
    supervisor === undefined && leftovers.length === 0
      ? `the lab at ${layout.home} was not running`
      : `stopped the lab at ${layout.home}`,
  );
}
