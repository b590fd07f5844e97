/**
 * "Make spare" (docs/failover.md): after a failed node is repaired, the mail it kept of the logical
 * stores it served is wiped, so it can be the fleet's spare (the caller, a system admin, then gives
 * it the role `spare` in the directory with its own bind). Refused, in words, while the directory
 * names it as a store's server or replica node (someone needs what it holds), or while a failover
 * or switch-over runs here.
 *
 * What goes: every mailbox in its mail root (it serves no store, so each is an old copy of a store
 * it served or of a user moved away; the stores are named from the users' entries and its fence
 * file), the mailboxes that promotions and switch-overs moved aside (`.mailfleet-kept`), and any
 * replica copies (`.mailfleet-replicas`). The fence stays: it never serves an old store at
 * an old epoch; a later failover that names it writes a newer one.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { JsonLogger } from '../common/json-logger.js';
import { MethodError } from '../control/method-handler.js';
import { maildirOfUser } from '../mail/store/maildir/mailbox-path.js';
import { usersWithCopies } from './replica-promotion.js';

/** What wiping a node needs. */
export interface MakeSpareOptions {
  node: string;
  mailRoot: string;
  directory: Pick<FleetDirectory, 'listLogicalStores' | 'findUserByAddress'>;
  /** The stores this node served at some epoch. */
  servedStores: () => string[];
  /** Whether a failover or switch-over job runs on this node. */
  jobsRunning: () => boolean;
  logger: JsonLogger;
}

/** Wipes this node's old mail; resolves with the stores wiped and how many mailboxes went. */
export async function makeSpare(options: MakeSpareOptions): Promise<{ stores: string[]; mailboxes: number }> {
  const { node, mailRoot, directory } = options;
  const refuse = (text: string) => new MethodError(rpcErrorCodes.refused, text);
  if (options.jobsRunning()) throw refuse(`a failover or switch-over runs on ${node}: wait until it ends`);
  const stores = await directory.listLogicalStores();
  const serving = stores.filter((s) => s.servedBy === node).map((s) => s.name);
  if (serving.length > 0)
    throw refuse(
      `${node} still serves ${serving.join(', ')}: switch ${serving.length === 1 ? 'it' : 'them'} to a spare or fail ${serving.length === 1 ? 'it' : 'them'} over first`,
    );
  const protecting = stores.filter((s) => s.replicaNode === node).map((s) => s.name);
  if (protecting.length > 0)
    throw refuse(
      `${node} holds the replica of ${protecting.join(', ')}, which keeps ${protecting.length === 1 ? 'it' : 'them'} protected: place ${protecting.length === 1 ? 'it' : 'them'} on another node first (mailfleet replicas place STORE --on NODE)`,
    );
  // It serves no store now: every mailbox in its mail root is an old copy (of the stores it served,
  // or of users moved away), served elsewhere.
  const oldStores = new Set(options.servedStores());
  let mailboxes = 0;
  for (const user of await usersWithCopies(mailRoot)) {
    const entry = await directory.findUserByAddress(user).catch(() => undefined);
    if (entry?.mailHost) oldStores.add(entry.mailHost);
    // The user's directory (its Maildir and what the store keeps beside it).
    await rm(join(maildirOfUser(mailRoot, user).maildir, '..'), { recursive: true, force: true });
    mailboxes++;
  }
  const wiped = [...oldStores].sort();
  await rm(join(mailRoot, '.mailfleet-kept'), { recursive: true, force: true });
  await rm(join(mailRoot, '.mailfleet-replicas'), { recursive: true, force: true });
  options.logger.warn('made this node a spare: its old mail is wiped', { stores: wiped, mailboxes });
  return { stores: wiped, mailboxes };
}
