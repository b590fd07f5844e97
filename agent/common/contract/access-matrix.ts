/**
 * Who may call what: every method of the contract against every kind of caller, in one table. The
 * agent's dispatcher enforces it (agent/control/rpc-dispatcher.ts); the console reads it only to grey
 * out buttons. The row type is keyed by the contract's method names, so a method added to
 * methods.ts without a row here does not compile, and test/agent/control/access-matrix.test.ts
 * walks every cell against a real agent over SSH.
 *
 * Columns are the caller kinds: the four admin tiers of the directory, `peer` (another node's agent,
 * by its host key) and an unknown key (refused at the SSH login, before any method: the column is
 * there so the table says it).
 */
import type { AdminTier } from '../directory/fleet-entries.js';
import type { MethodName } from './methods.js';

/** Who is calling: an admin (by tier) or a peer agent. */
export type CallerKind = AdminTier | 'peer';

/** A caller kind's access to a method. */
export type Access = 'allow' | 'deny';

/**
 * A domain admin's access to a method:
 * - `deny`;
 * - `allow`: the method names no mail user (node facts, metrics);
 * - `own-domains`: the method shows or acts on mail users, and only on those of the admin's
 *   delegated domains. A `user` named in the params must be in them (the dispatcher refuses others
 *   before the handler runs), the handler checks the user that address belongs to as well (an alias
 *   in the admin's domain may belong to another department's user), and listings leave everyone
 *   else out.
 */
export type DomainAccess = 'deny' | 'allow' | 'own-domains';

/** One method's row. */
export interface AccessRow {
  system: Access;
  helpdesk: Access;
  domain: DomainAccess;
  user: Access;
  peer: Access;
  /** A key no admin or server entry holds: refused at the SSH login. */
  unknownKey: 'deny';
}

// Short names keep the table readable as a table.
const Y = 'allow' as const;
const N = 'deny' as const;
const own = 'own-domains' as const;

function row(system: Access, helpdesk: Access, domain: DomainAccess, user: Access, peer: Access): AccessRow {
  return { system, helpdesk, domain, user, peer, unknownKey: N };
}

/**
 * The matrix. Peers get `node.info` (it tells a peer nothing its server entry does not, while
 * letting it check it reached the node it meant) and the calls a mailbox move makes (docs/moves.md):
 * the target store's agent asks the source's (`sync.*`) and every director (`cutover.*`). Those are
 * peer-only, and their handlers serve only a user whose move lock in the directory names the
 * calling node's store as the target (and the job given), so a node can pull or hold only the
 * mailboxes the directory says it is moving. A method for a peer is added here when an agent
 * starts calling it, never by default: one compromised node must not list every store's
 * mailboxes and client addresses. No admin calls the peer methods (the move methods are theirs).
 *
 * Replication: staff see how each store is protected (`replication.status`). The placement of a
 * replica is written in the directory by a system admin's own bind (the directory's access rules
 * allow no one else; docs/replication.md), not through an agent: an agent able to write placements
 * could place another store's replica on itself and receive its mail.
 *
 * Failover (docs/failover.md): only a system admin starts one (it fences a node and repoints a
 * store for all its users), a switch-over to a spare (`failover.switch`) or wipes a repaired node
 * (`failover.makeSpare`); the helpdesk sees the jobs' steps. The fenced node, the spare and the
 * directors take `failover.fence`, `failover.takeOver`, `failover.reroute`, `failover.hold` and
 * `failover.release` from a peer only, and only from the node the store's entry names as its
 * failover node (which only a system admin can write).
 *
 * Queue and spam figures (issue 15): a department admin reads the queued mail with a sender or a
 * recipient in its domains (`queue.list`, `queue.show`: read-only, its own recipients only, no
 * To/Cc headers) and the spam figures of mail to its domains (`spam.statistics`), each filtered by
 * the handler; holding, releasing, flushing, requeueing, deleting and the body stay staff's.
 *
 * Moves: staff (system, helpdesk) move anyone; a domain admin moves, follows, cancels and rolls
 * back only its own domains' users (each user of a call is checked by the handler, and a listing
 * leaves others out); purging an old copy early is staff's (it only frees disk, which is theirs).
 */
// biome-ignore format: a table is easier to check by eye aligned
export const accessMatrix = {
  //                      system helpdesk domain user peer
  'node.info':            row(Y, Y, Y, N, Y),
  'node.metrics':         row(Y, Y, Y, N, N),
  'metrics.subscribe':    row(Y, Y, Y, N, N),
  'metrics.unsubscribe':  row(Y, Y, Y, N, N),
  'service.list':         row(Y, Y, Y, N, N),
  'service.restart':      row(Y, N, N, N, N),
  'audit.tail':           row(Y, Y, own, N, N),
  'mailbox.list':         row(Y, Y, own, N, N),
  'mailbox.stats':        row(Y, Y, own, N, N),
  'session.list':         row(Y, Y, own, N, N),
  'session.kick':         row(Y, Y, own, N, N),
  'queue.summary':        row(Y, Y, N, N, N),
  'queue.list':           row(Y, Y, own, N, N),
  'queue.show':           row(Y, Y, own, N, N),
  'queue.showBody':       row(Y, N, N, N, N),
  'queue.hold':           row(Y, Y, N, N, N),
  'queue.release':        row(Y, Y, N, N, N),
  'queue.flush':          row(Y, Y, N, N, N),
  'queue.requeue':        row(Y, Y, N, N, N),
  'queue.delete':         row(Y, N, N, N, N),
  'route.invalidate':     row(Y, Y, N, N, N),
  'proxy.sessions':       row(Y, Y, own, N, N),
  'proxy.kick':           row(Y, Y, own, N, N),
  'proxy.hold':           row(Y, Y, N, N, N),
  'proxy.release':        row(Y, Y, N, N, N),
  'gateway.status':       row(Y, Y, N, N, N),
  'srs.secrets':          row(N, N, N, N, Y),
  'spam.statistics':      row(Y, Y, own, N, N),
  'dkim.records':         row(Y, Y, own, N, N),
  'dkim.rotate':          row(Y, N, own, N, N),
  'dkim.activate':        row(Y, N, own, N, N),
  'mail.trace':           row(Y, Y, own, N, N),
  'auth.lockouts':        row(Y, Y, own, N, N),
  'auth.unlock':          row(Y, Y, own, N, N),
  'move.plan':            row(Y, Y, own, N, N),
  'move.start':           row(Y, Y, own, N, N),
  'move.list':            row(Y, Y, own, N, N),
  'move.show':            row(Y, Y, own, N, N),
  'move.cancel':          row(Y, Y, own, N, N),
  'move.rollback':        row(Y, Y, own, N, N),
  'move.purge':           row(Y, Y, N, N, N),
  'move.subscribe':       row(Y, Y, own, N, N),
  'move.unsubscribe':     row(Y, Y, own, N, N),
  'replication.status':   row(Y, Y, N, N, N),
  'failover.start':       row(Y, N, N, N, N),
  'failover.list':        row(Y, Y, N, N, N),
  'failover.fence':       row(N, N, N, N, Y),
  'failover.reroute':     row(N, N, N, N, Y),
  'failover.hold':        row(N, N, N, N, Y),
  'failover.release':     row(N, N, N, N, Y),
  'failover.takeOver':    row(N, N, N, N, Y),
  'failover.switch':      row(Y, N, N, N, N),
  'failover.makeSpare':   row(Y, N, N, N, N),
  'sync.figures':         row(N, N, N, N, Y),
  'sync.hold':            row(N, N, N, N, Y),
  'sync.release':         row(N, N, N, N, Y),
  'sync.finish':          row(N, N, N, N, Y),
  'sync.reverse':         row(N, N, N, N, Y),
  'cutover.hold':         row(N, N, N, N, Y),
  'cutover.release':      row(N, N, N, N, Y),
} as const satisfies Record<MethodName, AccessRow>;

/** Whether a caller kind may call a method at all (a domain admin then only for its own domains). */
export function isAllowed(method: MethodName, caller: CallerKind): boolean {
  return accessMatrix[method][caller] !== 'deny';
}

/** The caller kinds that may call a method, for error messages. */
export function allowedKinds(method: MethodName): CallerKind[] {
  const kinds: CallerKind[] = ['system', 'helpdesk', 'domain', 'user', 'peer'];
  return kinds.filter((kind) => isAllowed(method, kind));
}

/** Whether a domain admin's call of this method is limited to the users of its domains. */
export function isDomainScoped(method: MethodName): boolean {
  return accessMatrix[method].domain === 'own-domains';
}
