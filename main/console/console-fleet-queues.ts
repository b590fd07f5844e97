/**
 * `queue.fleet`: the queue of every node that runs one, in one answer, so the Queues view shows the
 * whole fleet in one table. Which nodes run a queue is the agent's to say (`queue.summary` answers
 * `not-found: this node runs no mail queue` elsewhere): the console asks the directors and gateways
 * and files each answer as a queue, "runs none" or a failure in words.
 */
import { z } from 'zod';
import { methods } from '../../agent/common/contract/methods.js';

/** A node that did not answer a fleet-wide call, and why, in words. */
export const nodeFailure = z.object({ node: z.string(), message: z.string() });

/** One node's queue. */
export const fleetQueue = z.object({
  node: z.string(),
  role: z.string(),
  summary: methods['queue.summary'].result,
});
export type FleetQueue = z.infer<typeof fleetQueue>;

/** `queue.fleet` result. */
export const fleetQueuesResult = z.object({
  queues: z.array(fleetQueue),
  /** Nodes asked that run no mail queue. */
  withoutQueue: z.array(z.string()),
  failures: z.array(nodeFailure),
});
export type FleetQueuesResult = z.infer<typeof fleetQueuesResult>;

/** Roles whose agents may run a mail queue (stores deliver by LMTP and keep none). */
export const queueRoles: readonly string[] = ['director', 'gateway'];

/** Sorts node names as people read them (store2 before store10). */
export function byNodeName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
