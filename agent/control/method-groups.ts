/**
 * The contract's methods in groups, the way the agent runs them: every node answers the groups of
 * `everyNodeGroups`; the groups of `roleGroups` answer on the roles that list them in
 * agent/roles.ts and elsewhere refuse with `not-found` and the group's `absent` words (the same
 * words a node of the right role says when its configuration leaves the part out).
 */
import type { MethodName } from '../common/contract/methods.js';

/** Groups every agent answers, whatever its role. */
export const everyNodeGroups = {
  node: ['node.info', 'node.metrics'],
  metrics: ['metrics.subscribe', 'metrics.unsubscribe'],
  service: ['service.list', 'service.restart'],
  audit: ['audit.tail'],
  auth: ['auth.lockouts', 'auth.unlock'],
  // Where mail went (agent/mail/trace/): gateways and directors write it; the others answer empty.
  trace: ['mail.trace'],
} as const satisfies Record<string, readonly MethodName[]>;

/** A group that only some roles run. */
export interface RoleGroupSpec {
  methods: readonly MethodName[];
  /** Why a node refuses the group's methods when it does not run the group. */
  absent: string;
}

/** Groups run by the roles that list them (agent/roles.ts). */
export const roleGroups = {
  store: {
    methods: ['mailbox.list', 'mailbox.stats', 'session.list', 'session.kick', 'replication.status'],
    absent: 'this node runs no mail services',
  },
  queue: {
    methods: [
      'queue.summary',
      'queue.list',
      'queue.hold',
      'queue.release',
      'queue.show',
      'queue.showBody',
      'queue.flush',
      'queue.requeue',
      'queue.delete',
    ],
    absent: 'this node runs no mail queue',
  },
  route: { methods: ['route.invalidate'], absent: 'this node does not route mail' },
  proxy: {
    methods: ['proxy.sessions', 'proxy.kick', 'proxy.hold', 'proxy.release'],
    absent: 'this node runs no IMAP/POP3 proxy',
  },
  gateway: { methods: ['gateway.status', 'spam.statistics'], absent: 'this node runs no gateway' },
  // DKIM keys live on the director, which signs (docs/edge.md).
  dkim: {
    methods: ['dkim.records', 'dkim.rotate', 'dkim.activate'],
    absent: 'this node signs no mail (DKIM runs on the director)',
  },
  // Mailbox moves (docs/moves.md): administrators ask the target store's node.
  move: {
    methods: [
      'move.plan',
      'move.start',
      'move.list',
      'move.show',
      'move.cancel',
      'move.rollback',
      'move.purge',
      'move.subscribe',
      'move.unsubscribe',
    ],
    absent: 'this node runs no mailbox moves',
  },
  // A move's target store asks its source store (peers only).
  sync: {
    methods: ['sync.figures', 'sync.hold', 'sync.release', 'sync.finish', 'sync.reverse'],
    absent: 'this node runs no mailbox moves',
  },
  // A move's target store holds the user's mail and logins on every director (peers only).
  cutover: { methods: ['cutover.hold', 'cutover.release'], absent: 'this node is not a director' },
  // Failover of logical stores (docs/failover.md): run on the store node that holds the replica,
  // which tells the fenced node to stop.
  failover: {
    methods: [
      'failover.start',
      'failover.list',
      'failover.fence',
      'failover.takeOver',
      'failover.switch',
      'failover.makeSpare',
    ],
    absent: 'this node runs no failover of logical stores',
  },
  // A gateway fetches the director's SRS secrets to check bounces (peers of role gateway only).
  srs: { methods: ['srs.secrets'], absent: 'this node is not a director' },
  // The failover job re-routes every director, and holds and releases a switched store (peers only).
  reroute: {
    methods: ['failover.reroute', 'failover.hold', 'failover.release'],
    absent: 'this node is not a director',
  },
} as const satisfies Record<string, RoleGroupSpec>;

export type RoleGroupName = keyof typeof roleGroups;

/** The methods of one role group. */
export type RoleGroupMethod<G extends RoleGroupName> = (typeof roleGroups)[G]['methods'][number];
