/**
 * The failover RPCs (docs/failover.md). On a store node: `failover.start` and `failover.list`
 * (system admins; the helpdesk lists), and `failover.fence` (a peer: the store's failover node
 * tells this node to stop serving the store). On a director: `failover.reroute` (the same peer:
 * drop the store's routes and close the proxied sessions to its old node). The peer methods serve
 * only the node the store's entry names as its failover node, which only a system admin can write.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { LogicalStoreEntry } from '../common/directory/fleet-entries.js';
import type { FailoverNode } from '../failover/failover-node.js';
import type { StoreOwnership } from '../failover/store-ownership.js';
import type { SwitchoverHolds } from '../failover/switchover-holds.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the failover methods act on. */
export interface FailoverMethodDeps {
  /** This node's name. */
  node: string;
  directory: Pick<FleetDirectory, 'getLogicalStore' | 'searchUsers'>;
  /** The node's failover jobs (store and spare nodes, once started). */
  failover: () => FailoverNode | undefined;
  /** The fence of the node's mail services (store and spare nodes). */
  ownership: () => StoreOwnership | undefined;
  router: () => RecipientRouter | undefined;
  proxies: () => DirectorProxies | undefined;
  /** The director's queue: mail deferred for the store is tried again at once. */
  queue: () => MailQueue | undefined;
  /** The director's switch-over holds (agent/failover/switchover-holds.ts). */
  switchoverHolds: () => SwitchoverHolds | undefined;
}

/** The store entry, when the directory names `caller` as its failover node; else a refusal. */
async function requireFailoverNode(
  deps: FailoverMethodDeps,
  store: string,
  caller: string,
): Promise<LogicalStoreEntry> {
  const entry = await deps.directory.getLogicalStore(store);
  if (!entry) throw new MethodError(rpcErrorCodes.notFound, `there is no logical store ${store}`);
  if (entry.failoverNode !== caller)
    throw new MethodError(
      rpcErrorCodes.refused,
      `the directory does not name ${caller} as the failover node of ${store}`,
    );
  return entry;
}

type FailoverHandlers = Pick<
  MethodHandlers,
  | 'failover.start'
  | 'failover.switch'
  | 'failover.makeSpare'
  | 'failover.list'
  | 'failover.fence'
  | 'failover.reroute'
  | 'failover.hold'
  | 'failover.release'
  | 'failover.takeOver'
>;

/** Handlers of the failover and reroute groups. */
export function failoverMethods(deps: FailoverMethodDeps): FailoverHandlers {
  const needJobs = (): FailoverNode => {
    const jobs = deps.failover();
    if (!jobs) throw new MethodError(rpcErrorCodes.notFound, roleGroups.failover.absent);
    return jobs;
  };
  const needHolds = (): SwitchoverHolds => {
    const holds = deps.switchoverHolds();
    // A director that runs neither a queue nor a proxy has nothing to hold.
    if (!holds || (!deps.queue() && !deps.proxies()))
      throw new MethodError(rpcErrorCodes.notFound, roleGroups.reroute.absent);
    return holds;
  };
  return {
    'failover.start': async ({ store, spare }) => ({
      job: await needJobs().start({ store, ...(spare === undefined ? {} : { spare }) }),
    }),
    'failover.switch': async ({ store, spare }) => ({ job: await needJobs().startSwitch({ store, spare }) }),
    'failover.list': () => ({ jobs: needJobs().list() }),
    'failover.makeSpare': () => needJobs().makeSpare(),
    'failover.fence': async ({ store, epoch }, { caller }) => {
      const entry = await requireFailoverNode(deps, store, caller.id);
      if (entry.epoch < epoch)
        throw new MethodError(
          rpcErrorCodes.refused,
          `${store} is at epoch ${entry.epoch} in the directory, not ${epoch}: nothing fenced it there`,
        );
      if (entry.servedBy === deps.node && entry.state === 'serving')
        throw new MethodError(rpcErrorCodes.refused, `the directory says ${deps.node} serves ${store}`);
      // A node that runs no mail services serves nothing to stop.
      await deps.ownership()?.fence(store, epoch);
      return { stopped: true as const };
    },
    'failover.reroute': async ({ store, from }, { caller }) => {
      await requireFailoverNode(deps, store, caller.id);
      const router = deps.router();
      const proxies = deps.proxies();
      if (!router && !proxies) throw new MethodError(rpcErrorCodes.notFound, roleGroups.reroute.absent);
      router?.invalidate({ logicalStore: store });
      proxies?.invalidate();
      const closed = proxies?.kickStoreNode(from) ?? 0;
      // Mail deferred while the store was down goes to its new node now, not at its next retry.
      const queue = deps.queue();
      if (queue) {
        const users = new Set(
          (await deps.directory.searchUsers({ mailHost: store })).map((u) => u.mail.toLowerCase()),
        );
        const due = queue
          .list()
          .filter((entry) =>
            entry.recipients.some((r) => r.state === 'deferred' && users.has(r.address.toLowerCase())),
          )
          .map((entry) => entry.id);
        if (due.length > 0) queue.flush(due, { resetBackoff: true });
      }
      return { closed };
    },
    // A switch-over (docs/failover.md): the store's mail and its users' logins held on this
    // director while the spare takes it over; released (routes dropped first) when it serves, or
    // by the holds' sweep once the directory shows the switch-over settled.
    'failover.hold': async ({ store, job }, { caller }) => {
      const entry = await requireFailoverNode(deps, store, caller.id);
      return needHolds().hold(store, job, entry.epoch);
    },
    'failover.release': async ({ store }, { caller }) => {
      await requireFailoverNode(deps, store, caller.id);
      return needHolds().release(store);
    },
    'failover.takeOver': async ({ store, job, phase }, { caller }) => {
      await requireFailoverNode(deps, store, caller.id);
      return needJobs().takeOver({ store, job, phase });
    },
  };
}
