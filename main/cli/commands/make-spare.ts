/**
 * `mailfleet make-spare NODE`: after a failed node is repaired, wipe the mail it kept of the logical
 * stores it served and make it the fleet's spare (docs/failover.md, "Make spare"). The node's
 * agent refuses, in words, while it serves a store or holds a replica; then the node gets the role
 * `spare` in the directory with the admin's own bind. System admins only.
 */
import { parseArgs } from 'node:util';
import { makeSpare } from '../../core/failover/make-spare.js';
import { answerTimeoutMs, openFleetFromFlag } from './fleet-options.js';

const usage = `usage: mailfleet make-spare NODE [--json] [--fleet FILE]

After a failed store node is repaired: deletes the mail it still keeps of the stores it used to
serve (other nodes serve them now) and makes it the fleet's spare, ready for the next failover or
switch-over. Refused while the node serves a store or holds a store's replica. System admins only.`;

export async function makeSpareCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    out(usage);
    return 0;
  }
  const [node] = positionals;
  if (!node || positionals.length > 1) throw new Error(usage);
  const open = await openFleetFromFlag(values.fleet, false);
  try {
    await open.fleet.settled(answerTimeoutMs);
    const made = await makeSpare(open.directory, open.fleet, node);
    out(
      values.json
        ? JSON.stringify(made, null, 2)
        : `${node} is a spare now: ${made.mailboxes} old mailbox(es) of ${made.stores.length > 0 ? made.stores.join(', ') : 'no store'} deleted`,
    );
    return 0;
  } finally {
    await open.close();
  }
}
