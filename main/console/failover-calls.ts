/**
 * The failover calls of the console contract (`failover.*`), merged into `consoleCalls`: what the
 * page needs to offer "Fail over to <replica node>" on a store that is down, to say the plan in
 * words and to follow the job's steps. The plan is main/core/failover/failover-plan.ts (the CLI's);
 * the job runs on the replica's node and the agents decide who may start it (system tier).
 */
import { z } from 'zod';
import { failoverJobView } from '../../agent/common/contract/failover-contract.js';
import { logicalStoreName } from '../../agent/common/contract/mail-user.js';
import { replicationStates } from '../../agent/common/contract/node-metrics.js';
import { nodeFailure } from './console-fleet-queues.js';

const node = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'a node name (store07...)');

/** `failover.overview`: who may fail over, where each store is served and every node's jobs. */
export const failoverOverview = z.object({
  /** The console's admin is a system admin (the only tier the agents let start a failover). */
  mayFailOver: z.boolean(),
  stores: z.array(z.object({ store: z.string(), node, replicaNode: node.optional() })),
  /** Every store and spare node's failover jobs, newest first. */
  jobs: z.array(failoverJobView),
  failures: z.array(nodeFailure),
});
export type FailoverOverview = z.infer<typeof failoverOverview>;

/** `failover.plan`: the failover as it would run, or why there is none (in words). */
export const failoverPlanAnswer = z.discriminatedUnion('possible', [
  z.object({
    possible: z.literal(true),
    store: z.string(),
    failedNode: node,
    takeOverNode: node,
    spare: node.optional(),
    /**
     * How the replica kept up when the failed node last reported (its last sample): `protected`
     * means nothing acknowledged is lost; otherwise mail only on the failed node stays there.
     */
    protection: z.enum([...replicationStates, 'unknown']),
  }),
  z.object({ possible: z.literal(false), refusal: z.string() }),
]);
export type FailoverPlanAnswer = z.infer<typeof failoverPlanAnswer>;

/** `failover.switchPlan`: a planned switch-over to a spare as it would run, or why there is none. */
export const switchPlanAnswer = z.discriminatedUnion('possible', [
  z.object({
    possible: z.literal(true),
    store: z.string(),
    /** The node that serves the store now: it runs the job and keeps the store's replica. */
    servingNode: node,
    /** The node that serves the store at the end. */
    spare: node,
    /** The spare holds the store's replica already; else a full copy is built there first. */
    spareHoldsReplica: z.boolean(),
  }),
  z.object({ possible: z.literal(false), refusal: z.string() }),
]);
export type SwitchPlanAnswer = z.infer<typeof switchPlanAnswer>;

/** `failover.makeSparePlan`: whether a node can be made the spare now, or why not (in words). */
export const makeSparePlanAnswer = z.discriminatedUnion('possible', [
  z.object({ possible: z.literal(true), node }),
  z.object({
    possible: z.literal(false),
    node,
    refusal: z.string(),
    /** The stores the node still serves (the page says the refusal in its language from these). */
    serves: z.array(z.string()),
    /** The stores whose replica the node holds. */
    holdsReplicaOf: z.array(z.string()),
  }),
]);
export type MakeSparePlanAnswer = z.infer<typeof makeSparePlanAnswer>;

/** `failover.makeSpare`: what was wiped; the node is a spare now. */
export const madeSpare = z.object({
  node,
  role: z.literal('spare'),
  stores: z.array(z.string()),
  mailboxes: z.number().int().nonnegative(),
});

/** Every `failover.*` call of the console. */
export const failoverConsoleCalls = {
  'failover.overview': {
    params: z.object({}).strict(),
    result: failoverOverview,
    summary:
      "Whether this console's admin may fail a store over, every logical store's node and replica, and every store and spare node's failover jobs.",
  },
  'failover.plan': {
    params: z.object({ store: logicalStoreName }).strict(),
    result: failoverPlanAnswer,
    summary:
      'What failing a logical store over would do (the replica node that serves it, the spare for the new replica, whether it was protected). Changes nothing.',
  },
  'failover.start': {
    params: z.object({ store: logicalStoreName }).strict(),
    result: z.object({ job: failoverJobView }),
    summary:
      "Fail a logical store over as planned: name the replica's node as its failover node (the admin's own bind) and start the job there (system tier).",
  },
  'failover.switchPlan': {
    params: z.object({ store: logicalStoreName }).strict(),
    result: switchPlanAnswer,
    summary:
      'What switching a healthy logical store to a spare would do (which spare, whether a full copy goes there first). Changes nothing.',
  },
  'failover.switch': {
    params: z.object({ store: logicalStoreName }).strict(),
    result: z.object({ job: failoverJobView }),
    summary:
      "Switch a healthy logical store to a spare as planned: name its serving node as its failover node (the admin's own bind) and start the switch-over there (system tier).",
  },
  'failover.makeSparePlan': {
    params: z.object({ node }).strict(),
    result: makeSparePlanAnswer,
    summary: 'Whether a repaired store node can be made the spare now, or why not. Changes nothing.',
  },
  'failover.makeSpare': {
    params: z.object({ node }).strict(),
    result: madeSpare,
    summary:
      "Make a repaired store node the spare: its agent deletes the mail it kept of the stores it served, then the admin's own bind gives it the role spare (system tier).",
  },
} as const;
