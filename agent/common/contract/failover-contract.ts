/**
 * The failover RPCs (docs/failover.md). A system admin names the node that runs a logical store's
 * failover job in the directory (`mailfleetFailoverNode`, with the admin's own bind: only system
 * admins may write it) and asks that node's agent to start it (`failover.start`); the job then
 * calls the fenced node (`failover.fence`) and every director (`failover.reroute`) as a peer.
 * Those two serve only the node the store's entry names as its failover node.
 */
import { z } from 'zod';
import { logicalStoreName } from './mail-user.js';

/** A failover job's id: `fo-<store>-<time>`. */
export const failoverJobId = z.string().regex(/^fo-[A-Za-z0-9._-]{1,80}$/, 'a failover job id (fo-...)');

/** A node's name as the directory writes it. */
const nodeName = z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'a node name');

/**
 * The steps of a failover job, in order (docs/failover.md): `fence` (the store's state `failed`,
 * its epoch raised), `stop-old` (the fenced node told to stop, or one lease waited for),
 * `promote` (the replica's copies put in the store's place), `repoint` (the store served by this
 * node, its replica placed on the spare), `reroute` (every director drops its routes and the
 * proxied sessions to the fenced node), `rebuild` (the spare copies the store until it is in
 * step), then the planned switch-over to the spare (docs/failover.md, "The switch-over"):
 * `switch-hold` (the store `switching`, the directors hold its mail and logins, this node refuses
 * it), `switch-ship` (the last changes shipped, the spare's copy checked and put in place),
 * `switch-repoint` (the store served by the spare, its replica on this node), `switch-release`
 * (routes dropped, holds released), then `done`; or `failed` with the reason.
 */
export const failoverSteps = [
  'fence',
  'stop-old',
  'promote',
  'repoint',
  'reroute',
  'rebuild',
  'switch-hold',
  'switch-ship',
  'switch-repoint',
  'switch-release',
  'done',
  'failed',
] as const;
export type FailoverStep = (typeof failoverSteps)[number];

/** One failover job, as the console shows it. */
export const failoverJobView = z.object({
  job: failoverJobId,
  store: logicalStoreName,
  /** The node that served the store and is fenced. */
  failedNode: nodeName,
  /** The node that takes the store over (this job's node: it held the replica). */
  takenOverBy: nodeName,
  /** Where the store's new replica is built (the spare), if any. */
  spare: nodeName.optional(),
  step: z.enum(failoverSteps),
  /** The store's epoch the job wrote last. */
  epoch: z.number().int().nonnegative(),
  /** ms since the epoch. */
  startedAt: z.number(),
  updatedAt: z.number(),
  /** A planned "Switch to spare" (maintenance): nothing fenced, the store served by this job's node. */
  planned: z.boolean().optional(),
  /** Users whose mailboxes the promotion put in place. */
  promotedUsers: z.number().int().nonnegative().optional(),
  /** How long the switch-over to the spare held the store's mail and logins (ms), once done. */
  switchPauseMs: z.number().nonnegative().optional(),
  /** Switch-overs that were rolled back (the store stayed where it was) before the last try. */
  switchRollbacks: z.number().int().nonnegative().optional(),
  /** What happened, step by step, in words. */
  history: z.array(z.object({ at: z.number(), step: z.enum(failoverSteps), text: z.string() })),
  /** Why the job stopped (step `failed`), in words. */
  error: z.string().optional(),
});
export type FailoverJobView = z.infer<typeof failoverJobView>;

export const failoverMethods = {
  'failover.start': {
    params: z
      .object({
        store: logicalStoreName,
        /** Where to build the store's new replica (the spare); absent: none is placed. */
        spare: nodeName.optional(),
      })
      .strict(),
    result: z.object({ job: failoverJobView }),
    audited: true,
    summary:
      "Fail a logical store over to this node, which holds its replica: fence the node that served it, promote the replica, repoint the store and re-route the directors; then rebuild a replica on the spare. The directory must name this node as the store's failover node.",
  },
  'failover.switch': {
    params: z
      .object({
        store: logicalStoreName,
        /** The spare that serves the store at the end (its replica is placed there first). */
        spare: nodeName,
      })
      .strict(),
    result: z.object({ job: failoverJobView }),
    audited: true,
    summary:
      "Switch a healthy logical store this node serves over to a spare, for maintenance: its replica built on the spare, then a lossless cutover of about 2 s; this node keeps its replica. The directory must name this node as the store's failover node.",
  },
  'failover.makeSpare': {
    params: z.object({}).strict(),
    result: z.object({
      /** The logical stores whose old mailboxes were wiped here. */
      stores: z.array(logicalStoreName),
      mailboxes: z.number().int().nonnegative(),
    }),
    audited: true,
    summary:
      "After repair: wipe the mail this node kept of the logical stores it served (it serves none and holds no replica now), so it can be the fleet's spare; refused while it serves a store or holds a replica.",
  },
  'failover.list': {
    params: z.object({}).strict(),
    result: z.object({ jobs: z.array(failoverJobView) }),
    audited: false,
    summary: 'The failover jobs this node runs or ran, with their steps.',
  },
  'failover.fence': {
    params: z.object({ store: logicalStoreName, epoch: z.number().int().positive() }).strict(),
    result: z.object({ stopped: z.literal(true) }),
    audited: true,
    summary:
      "Stop serving a logical store for good at an epoch (a failover fenced this node); from the store's failover node only.",
  },
  'failover.reroute': {
    params: z.object({ store: logicalStoreName, from: nodeName }).strict(),
    result: z.object({ closed: z.number().int().nonnegative() }),
    audited: true,
    summary:
      "Drop a director's routes to a failed-over logical store and close the proxied sessions to its old node; from the store's failover node only.",
  },
  'failover.hold': {
    params: z.object({ store: logicalStoreName, job: failoverJobId }).strict(),
    result: z.object({ users: z.number().int().nonnegative(), closed: z.number().int().nonnegative() }),
    audited: true,
    summary:
      "Hold a logical store's mail in a director's queue and its users' proxy logins, and close their proxied sessions, for a switch-over; from the store's failover node only.",
  },
  'failover.release': {
    params: z.object({ store: logicalStoreName, job: failoverJobId }).strict(),
    result: z.object({ released: z.boolean() }),
    audited: true,
    summary:
      "Drop a director's routes to a logical store and release the holds of its switch-over; from the store's failover node only.",
  },
  'failover.takeOver': {
    params: z
      .object({
        store: logicalStoreName,
        job: failoverJobId,
        /**
         * `settle`: copy what the replica owes now, before the store is held (shortens the pause);
         * `promote`: put this replica's copies in the store's place; `serve`: read the store's entry again.
         */
        phase: z.enum(['settle', 'promote', 'serve']),
      })
      .strict(),
    result: z.object({
      users: z.number().int().nonnegative(),
      messages: z.number().int().nonnegative(),
    }),
    audited: true,
    summary:
      "Take a logical store over from its serving node in a switch-over: the replica's copies put in place here; from the store's failover node only, while the store is switching.",
  },
} as const;
