/**
 * `auth.lockouts` across the fleet: every node that checks passwords (stores, spares, directors,
 * the directory node) is asked for the login names and client addresses it throttles now, and the
 * answers are merged into one list for the helpdesk, locked ones first. A node that does not answer
 * is named with the reason in words, and the others still count.
 */
import { z } from 'zod';
import { loginLockout } from '../../agent/common/contract/methods.js';
import type { FleetClient } from '../core/fleet-client.js';
import { byNodeName, nodeFailure } from './console-fleet-queues.js';

/** Roles whose agents check passwords (IMAP, POP3, SMTP AUTH, LDAP binds). */
export const passwordCheckingRoles: readonly string[] = ['store', 'spare', 'director', 'directory'];

/** One lockout on one node. */
export const fleetLockout = loginLockout.extend({ node: z.string() });
export type FleetLockout = z.infer<typeof fleetLockout>;

/** `auth.lockouts` result in the console. */
export const fleetLockoutsResult = z.object({
  lockouts: z.array(fleetLockout),
  failures: z.array(nodeFailure),
});
export type FleetLockoutsResult = z.infer<typeof fleetLockoutsResult>;

/** Asks `names` (or every node of a password-checking role) for its lockouts. */
export async function fleetLockouts(
  fleet: Pick<FleetClient, 'snapshot' | 'call'>,
  names: string[] | undefined,
): Promise<FleetLockoutsResult> {
  const nodes = fleet.snapshot().nodes;
  const asked =
    names ?? nodes.filter((node) => passwordCheckingRoles.includes(node.role)).map((node) => node.name);
  const result: FleetLockoutsResult = { lockouts: [], failures: [] };
  await Promise.all(
    asked.map(async (node) => {
      try {
        const { lockouts } = await fleet.call(node, 'auth.lockouts', {});
        result.lockouts.push(...lockouts.map((lockout) => ({ node, ...lockout })));
      } catch (error) {
        result.failures.push({ node, message: error instanceof Error ? error.message : String(error) });
      }
    }),
  );
  result.lockouts.sort(
    (a, b) => Number(b.locked) - Number(a.locked) || b.until - a.until || byNodeName(a.node, b.node),
  );
  result.failures.sort((a, b) => byNodeName(a.node, b.node));
  return result;
}
