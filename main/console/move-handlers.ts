/**
 * The console service's `move.*` calls, on main/core/moves (the functions the CLI uses too): plans
 * and starts on the agent serving the target store, a job's calls on the node its id names, the
 * listing merged over every store node, and the proposal from every store's mailboxes. What the
 * page needs beyond them is here: a store not in the directory is `not-found` before any agent is
 * asked, a refused batch comes back as data with every reason, and the proposal is grouped into
 * one batch per target store. The agents decide who may do what.
 */
import { moveRefusal } from '../../agent/common/contract/move-contract.js';
import { RpcCallError } from '../../agent/common/rpc/rpc-errors.js';
import {
  cancelMove,
  listMoves,
  type MoveFleet,
  nodeOfJob,
  planMove,
  rollbackMove,
  showMove,
  startMove,
  storeLoads,
} from '../core/moves/fleet-moves.js';
import { type Rebalance, suggestRebalance } from '../core/moves/move-suggestions.js';
import { ConsoleCallError } from './console-call-error.js';
import type { FleetMoveListResult, MoveStartAnswer, MoveSuggestion } from './move-calls.js';

const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

/** The proposal as the page shows it: the moves to each store as one batch, each store before and after. */
export function suggestionOf(
  rebalance: Rebalance,
  before: ReadonlyArray<{ store: string; bytes: number }>,
  nodeOf: ReadonlyMap<string, string>,
): MoveSuggestion {
  const batches = new Map<string, MoveSuggestion['batches'][number]>();
  for (const move of rebalance.moves) {
    let batch = batches.get(move.to);
    if (!batch) {
      batch = { to: move.to, node: nodeOf.get(move.to) ?? move.to, users: [], from: [], bytes: 0 };
      batches.set(move.to, batch);
    }
    batch.users.push(move.user);
    if (!batch.from.includes(move.from)) batch.from.push(move.from);
    batch.bytes += move.bytes;
  }
  for (const batch of batches.values()) batch.from.sort(byName);
  return {
    moves: rebalance.moves,
    batches: [...batches.values()].sort((a, b) => byName(a.to, b.to)),
    spreadBefore: rebalance.spreadBefore,
    spreadAfter: rebalance.spreadAfter,
    stores: before
      .map(({ store, bytes }) => ({
        store,
        node: nodeOf.get(store) ?? store,
        bytesBefore: bytes,
        bytesAfter: rebalance.after[store] ?? bytes,
      }))
      .sort((a, b) => byName(a.store, b.store)),
  };
}

/**
 * The handlers of every `move.*` call; `moves` is read at each call (the service's options are not
 * set yet when its handler table is built).
 */
export function moveHandlers(moves: () => MoveFleet | undefined) {
  const need = (): MoveFleet => {
    const found = moves();
    if (!found) throw new ConsoleCallError('unavailable', 'this console has no mailbox moves configured');
    return found;
  };
  /** The fleet, once `store` is known to the directory. */
  const withStore = async (store: string): Promise<MoveFleet> => {
    const fleet = need();
    if (!(await fleet.directory.getLogicalStore(store)))
      throw new ConsoleCallError('not-found', `there is no store ${store} in the directory`);
    return fleet;
  };
  return {
    'move.plan': async ({
      users,
      to,
      ...speed
    }: {
      users: string[];
      to: string;
      concurrency?: number | undefined;
      bandwidthBytesPerSecond?: number | undefined;
    }) =>
      planMove(await withStore(to), users, to, {
        ...(speed.concurrency === undefined ? {} : { concurrency: speed.concurrency }),
        ...(speed.bandwidthBytesPerSecond === undefined
          ? {}
          : { bandwidthBytesPerSecond: speed.bandwidthBytesPerSecond }),
      }),
    'move.start': async (request: {
      users: string[];
      to: string;
      concurrency: number;
      bandwidthBytesPerSecond: number;
    }): Promise<MoveStartAnswer> => {
      const fleet = await withStore(request.to);
      try {
        const { batch, jobs } = await startMove(fleet, request);
        return { started: true, batch, jobs };
      } catch (error) {
        // All or none: the agent's refusal names every user that cannot move, as data.
        if (!(error instanceof RpcCallError) || error.codeName !== 'refused') throw error;
        const refusals = moveRefusal
          .array()
          .safeParse((error.data as { refusals?: unknown } | undefined)?.refusals);
        return { started: false, message: error.message, refusals: refusals.success ? refusals.data : [] };
      }
    },
    'move.list': async ({ state, limit }: { state: 'active' | 'finished' | 'all'; limit: number }) => {
      const merged = await listMoves(need(), state);
      return {
        jobs: merged.jobs.slice(0, limit),
        batches: merged.batches.map((batch) => ({ ...batch, node: nodeOfJob(batch.batch) })),
        keptCopies: merged.keptCopies,
        failures: merged.unanswered.map((node) => ({ node, message: `${node} does not answer` })),
      } satisfies FleetMoveListResult;
    },
    'move.show': async ({ job }: { job: string }) => showMove(need(), job),
    'move.cancel': async (which: { job: string } | { batch: string }) =>
      cancelMove(need(), 'job' in which ? which.job : which.batch),
    'move.rollback': async ({ job }: { job: string }) => rollbackMove(need(), job),
    'move.purge': async ({ node, user }: { node: string; user: string }) => {
      const fleet = need();
      if (!fleet.fleet.nodeNames().includes(node))
        throw new ConsoleCallError('not-found', `no node named ${node} in the directory`);
      return fleet.fleet.call(node, 'move.purge', { user });
    },
    'move.stores': async () => ({
      stores: (await need().directory.listLogicalStores())
        .map((s) => ({
          store: s.name,
          node: s.servedBy,
          ...(s.replicaNode ? { replicaNode: s.replicaNode } : {}),
        }))
        .sort((a, b) => byName(a.store, b.store)),
    }),
    'move.suggest': async (options: { maxMoves?: number | undefined; minGainBytes?: number | undefined }) => {
      const fleet = need();
      const [loads, stores] = await Promise.all([storeLoads(fleet), fleet.directory.listLogicalStores()]);
      const rebalance = suggestRebalance(loads, {
        ...(options.maxMoves === undefined ? {} : { maxMoves: options.maxMoves }),
        ...(options.minGainBytes === undefined ? {} : { minGainBytes: options.minGainBytes }),
      });
      const before = loads.map((load) => ({
        store: load.store,
        bytes: load.mailboxes.reduce((sum, m) => sum + m.bytes, 0),
      }));
      return suggestionOf(rebalance, before, new Map(stores.map((s) => [s.name, s.servedBy])));
    },
  };
}
