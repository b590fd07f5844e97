/**
 * The console service's `move.*` calls, on main/core's FleetMoves: each goes to the agent that must
 * answer it (the target store's for plans and starts, the job's node for the rest), and the
 * listing and the suggestion are merged over the fleet. The agents decide who may do what.
 */
import type { FleetMoves } from '../core/moves/fleet-moves.js';
import { ConsoleCallError } from './console-call-error.js';

/**
 * The handlers of every `move.*` call; `moves` is read at each call (the service's options are not
 * set yet when its handler table is built).
 */
export function moveHandlers(moves: () => FleetMoves | undefined) {
  const need = (): FleetMoves => {
    const found = moves();
    if (!found) throw new ConsoleCallError('unavailable', 'this console has no mailbox moves configured');
    return found;
  };
  return {
    'move.plan': async ({ users, to }: { users: string[]; to: string }) => need().plan(users, to),
    'move.start': async (request: {
      users: string[];
      to: string;
      concurrency: number;
      bandwidthBytesPerSecond: number;
    }) => need().start(request),
    'move.list': async (filter: { state: 'active' | 'finished' | 'all'; limit: number }) =>
      need().list(filter),
    'move.show': async ({ node, job }: { node: string; job: string }) => need().show(node, job),
    'move.cancel': async ({ node, ...which }: { node: string } & ({ job: string } | { batch: string })) =>
      need().cancel(node, which),
    'move.rollback': async ({ node, job }: { node: string; job: string }) => need().rollback(node, job),
    'move.purge': async ({ node, user }: { node: string; user: string }) => need().purge(node, user),
    'move.stores': async () => ({ stores: await need().stores() }),
    'move.suggest': async (options: { maxMoves?: number | undefined; tolerance?: number | undefined }) =>
      need().suggest({
        ...(options.maxMoves === undefined ? {} : { maxMoves: options.maxMoves }),
        ...(options.tolerance === undefined ? {} : { tolerance: options.tolerance }),
      }),
  };
}
