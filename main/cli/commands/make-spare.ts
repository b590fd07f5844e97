/**
 * `mailfleet make-spare NODE`: after a failed node is repaired, wipe the mail it kept of the logical
 * stores it served and make it the fleet's spare (docs/failover.md, "Make spare"). The node's
 * agent refuses, in words, while it serves a store or holds a replica; then the node gets the role
 * `spare` in the directory with the admin's own bind. System admins only.
 */
import { parseArgs } from 'node:util';
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
    const server = await open.directory.getServer(node);
    if (!server) throw new Error(`there is no node ${node}`);
    if (server.role !== 'store' && server.role !== 'spare')
      throw new Error(`${node} is a ${server.role}: only a store node can be made the spare`);
    const wiped = await open.fleet.call(node, 'failover.makeSpare', {});
    await open.directory.updateServer(node, { role: 'spare' });
    const after = await open.directory.getServer(node);
    if (after?.role !== 'spare')
      throw new Error(
        `${node}'s old mail is wiped, but the directory did not take the role spare (it says ${after?.role ?? 'nothing'})`,
      );
    out(
      values.json
        ? JSON.stringify({ node, role: 'spare', ...wiped }, null, 2)
        : `${node} is a spare now: ${wiped.mailboxes} old mailbox(es) of ${wiped.stores.length > 0 ? wiped.stores.join(', ') : 'no store'} deleted`,
    );
    return 0;
  } finally {
    await open.close();
  }
}
