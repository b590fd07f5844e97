/**
 * `mailfleet make-spare NODE`: after a failed node is repaired, wipe the mail it kept of the logical
 * stores it served and make it the fleet's spare (docs/failover.md, "Make spare"). The node's
 * agent refuses, in words, while it serves a store or holds a replica; then the node gets the role
 * `spare` in the directory with the admin's own bind. System admins only.
 */
import { makeSpare } from '../../core/failover/make-spare.js';
import { failoverCliOptions, theOneTarget } from './failover-cli-options.js';
import { withFleet } from './fleet-options.js';

const usage = `usage: mailfleet make-spare NODE [--json] [--fleet FILE]

After a failed store node is repaired: deletes the mail it still keeps of the stores it used to
serve (other nodes serve them now) and makes it the fleet's spare, ready for the next failover or
switch-over. Refused while the node serves a store or holds a store's replica. System admins only.`;

export async function makeSpareCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const options = failoverCliOptions(argv, false);
  const node = theOneTarget(options, usage);
  return withFleet(options.fleet, async (open) => {
    const made = await makeSpare(open.directory, open.fleet, node);
    out(
      options.json
        ? JSON.stringify(made, null, 2)
        : `${node} is a spare now: ${made.mailboxes} old mailbox(es) of ${made.stores.length > 0 ? made.stores.join(', ') : 'no store'} deleted`,
    );
    return 0;
  });
}
