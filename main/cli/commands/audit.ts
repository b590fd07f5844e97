/**
 * `mailfleet audit [NODE] [--limit N] [--json]`: who did what, when, on which node, with outcome.
 * Without NODE the audit logs of every answering node are merged by time.
 */
import { parseArgs } from 'node:util';
import type { AuditEntry } from '../../../agent/common/contract/methods.js';
import { formatTable } from '../output.js';
import { answerTimeoutMs, openFleetFromFlag } from './fleet-options.js';

export async function auditCommand(
  argv: string[],
  out: (text: string) => void,
  warn: (text: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      limit: { type: 'string', default: '50' },
    },
    allowPositionals: true,
    strict: true,
  });
  const limit = Number.parseInt(values.limit, 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be 1 to 1000');
  const open = await openFleetFromFlag(values.fleet, false);
  try {
    const names = positionals.length > 0 ? positionals : open.fleet.nodeNames();
    for (const name of names) {
      if (!open.fleet.nodeNames().includes(name)) throw new Error(`no node named ${name} in the directory`);
    }
    await open.fleet.settled(answerTimeoutMs);
    const entries: AuditEntry[] = [];
    let failures = 0;
    await Promise.all(
      names.map(async (name) => {
        try {
          const result = await open.fleet.call(name, 'audit.tail', { limit });
          entries.push(...result.entries);
        } catch (error) {
          failures++;
          warn(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }),
    );
    entries.sort((a, b) => a.at.localeCompare(b.at));
    const newest = entries.slice(-limit);
    if (values.json) out(JSON.stringify(newest, null, 2));
    else
      out(
        formatTable(
          ['WHEN', 'NODE', 'WHO', 'METHOD', 'OUTCOME', 'DETAIL'],
          newest.map((e) => [
            e.at,
            e.node,
            `${e.caller.id} (${e.caller.kind})`,
            e.method,
            e.outcome,
            e.error ?? '',
          ]),
        ),
      );
    return failures > 0 && entries.length === 0 ? 1 : 0;
  } finally {
    await open.close();
  }
}
