/**
 * `mailfleet status [--json]`: every node, its role, and whether it answers now.
 * The JSON form is an array with, per node, at least name, role and state (`up` or `down`).
 */
import { parseArgs } from 'node:util';
import { nodeStatuses } from '../../core/node-status.js';
import { formatTable } from '../output.js';
import { answerTimeoutMs, openFleetFromFlag } from './fleet-options.js';

export async function statusCommand(
  argv: string[],
  out: (text: string) => void,
  warn: (text: string) => void = out,
): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { json: { type: 'boolean', default: false }, fleet: { type: 'string' } },
    strict: true,
  });
  const open = await openFleetFromFlag(values.fleet, false);
  try {
    await open.fleet.settled(answerTimeoutMs);
    const snapshot = open.fleet.snapshot();
    const statuses = nodeStatuses(snapshot);
    if (!snapshot.directory.reachable) {
      warn(`the directory does not answer (${snapshot.directory.error}); nodes as it last listed them`);
    }
    const link = snapshot.directory.link;
    if (link && link.unanswered.length > 0) {
      const others = link.unanswered.map(
        (u) => `${u.url} ${u.state === 'catching-up' ? 'is still catching up' : 'does not answer'}`,
      );
      warn(`directory: using ${link.inUse ?? 'none'} (${others.join(', ')})`);
    }
    if (values.json) {
      out(JSON.stringify(statuses, null, 2));
    } else {
      const up = statuses.filter((s) => s.state === 'up').length;
      out(
        formatTable(
          ['NODE', 'ROLE', 'STATE', 'DIRECTORY', 'CONTROL', 'PROBLEM'],
          statuses.map((s) => [
            s.name,
            s.role,
            s.state,
            s.directoryState,
            `${s.address}:${s.controlPort}`,
            s.problem ?? '',
          ]),
        ),
      );
      out(`${up} of ${statuses.length} nodes up`);
    }
    return 0;
  } finally {
    await open.close();
  }
}
