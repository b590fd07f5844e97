/**
 * Mailbox moves seen from the console core: each call goes to the agent that must answer it, and
 * the fleet-wide ones are merged. A move runs on the agent serving the TARGET logical store (it
 * plans, starts and journals it: docs/moves.md), so plans and starts go to the node the
 * directory names for that store; a job is shown, cancelled or rolled back on the node that runs
 * it; the listing asks every store and spare node and merges their jobs, batches and kept old
 * copies. Plain Node, used by the console service and the CLI.
 */
import type {
  KeptMailboxCopy,
  MoveBatch,
  MoveJob,
  MovePlan,
  MoveRefusal,
} from '../../../agent/contract/move-contract.js';
import { moveRefusal } from '../../../agent/contract/move-contract.js';
import { RpcCallError } from '../../../agent/control/rpc-errors.js';
import type { LogicalStoreEntry } from '../../../agent/directory/fleet-entries.js';
import type { FleetClient } from '../fleet-client.js';
import {
  type BalanceOptions,
  type BalanceSuggestion,
  type StoreNodeLoad,
  suggestBalance,
} from './balance-suggestion.js';

/** The part of FleetClient moves use. */
export type MoveFleet = Pick<FleetClient, 'call' | 'nodeNames' | 'snapshot'>;

/** Roles whose agents run mailbox moves (and keep old copies). */
export const moveRoles: readonly string[] = ['store', 'spare'];

/** A move call that could not reach its agent: no such store or node, or the node does not answer. */
export class MoveRouteError extends Error {
  override readonly name = 'MoveRouteError';
  constructor(
    readonly code: 'not-found' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

/** A node that did not answer a fleet-wide call. */
export interface MoveNodeFailure {
  node: string;
  message: string;
}

/** Every node's moves in one listing. */
export interface FleetMoveList {
  /** Newest first. */
  jobs: MoveJob[];
  batches: Array<MoveBatch & { node: string }>;
  /** Old copies of moved mailboxes, on the node that keeps each. */
  keptCopies: Array<KeptMailboxCopy & { node: string }>;
  failures: MoveNodeFailure[];
}

/** What starting a batch answered: started, or refused as a whole with every reason. */
export type MoveStartAnswer =
  | { started: true; batch: MoveBatch; jobs: MoveJob[] }
  | { started: false; message: string; refusals: MoveRefusal[] };

/** A logical store and the node serving it now. */
export interface StoreOnNode {
  store: string;
  node: string;
  replicaNode?: string;
}

/** The moves of a whole fleet. */
export class FleetMoves {
  constructor(
    private readonly fleet: MoveFleet,
    /** The logical stores from the directory (read at each call: failover rewrites them). */
    private readonly logicalStores: () => Promise<LogicalStoreEntry[]>,
  ) {}

  /** Every logical store and the node serving it, by name. */
  async stores(): Promise<StoreOnNode[]> {
    const stores = await this.logicalStores();
    return stores
      .map((s) => ({
        store: s.name,
        node: s.servedBy,
        ...(s.replicaNode ? { replicaNode: s.replicaNode } : {}),
      }))
      .sort((a, b) => byName(a.store, b.store));
  }

  /** The node serving `store`, answering now. */
  async nodeServing(store: string): Promise<string> {
    const entry = (await this.logicalStores()).find((s) => s.name === store);
    if (!entry) throw new MoveRouteError('not-found', `there is no store ${store} in the directory`);
    this.requireUp(entry.servedBy, `${entry.servedBy}, the server of ${store},`);
    return entry.servedBy;
  }

  /** What moving `users` to `to` would do (the target's agent answers). */
  async plan(users: string[], to: string): Promise<MovePlan> {
    const node = await this.nodeServing(to);
    return this.fleet.call(node, 'move.plan', { users, to });
  }

  /** Starts a batch on the target's agent; a refusal comes back as data with every reason. */
  async start(request: {
    users: string[];
    to: string;
    concurrency?: number;
    bandwidthBytesPerSecond?: number;
  }): Promise<MoveStartAnswer> {
    const node = await this.nodeServing(request.to);
    try {
      const { batch, jobs } = await this.fleet.call(node, 'move.start', request);
      return { started: true, batch, jobs };
    } catch (error) {
      const refusals = refusalsOf(error);
      if (!refusals) throw error;
      return { started: false, message: (error as Error).message, refusals };
    }
  }

  /** Every store and spare node's jobs, batches and kept copies, merged; nodes not answering named. */
  async list(filter: { state: 'active' | 'finished' | 'all'; limit: number }): Promise<FleetMoveList> {
    const result: FleetMoveList = { jobs: [], batches: [], keptCopies: [], failures: [] };
    const nodes = this.fleet.snapshot().nodes.filter((n) => moveRoles.includes(n.role));
    await Promise.all(
      nodes.map(async (node) => {
        if (node.observed !== 'up') {
          result.failures.push({ node: node.name, message: `${node.name} does not answer` });
          return;
        }
        try {
          const answer = await this.fleet.call(node.name, 'move.list', filter);
          result.jobs.push(...answer.jobs);
          result.batches.push(...answer.batches.map((b) => ({ ...b, node: node.name })));
          result.keptCopies.push(...answer.keptCopies.map((c) => ({ ...c, node: node.name })));
        } catch (error) {
          result.failures.push({ node: node.name, message: messageOf(error) });
        }
      }),
    );
    result.jobs.sort((a, b) => b.createdAt - a.createdAt || a.job.localeCompare(b.job));
    result.jobs.splice(filter.limit);
    result.batches.sort((a, b) => b.createdAt - a.createdAt);
    result.keptCopies.sort((a, b) => a.keepUntil - b.keepUntil || a.user.localeCompare(b.user));
    result.failures.sort((a, b) => byName(a.node, b.node));
    return result;
  }

  /** One job and its history, from the node running it. */
  show(node: string, job: string) {
    this.requireUp(node, node);
    return this.fleet.call(node, 'move.show', { job });
  }

  /** Cancels a job or the unfinished jobs of a batch, on the node running it. */
  cancel(node: string, which: { job: string } | { batch: string }) {
    this.requireUp(node, node);
    return this.fleet.call(node, 'move.cancel', which);
  }

  /** Moves a user back after a finished move, asked of the node that ran it. */
  rollback(node: string, job: string) {
    this.requireUp(node, node);
    return this.fleet.call(node, 'move.rollback', { job });
  }

  /** Deletes now the old copy `node` keeps of a mailbox moved away. */
  purge(node: string, user: string) {
    this.requireUp(node, node);
    return this.fleet.call(node, 'move.purge', { user });
  }

  /**
   * Moves that would even out the store nodes' disks (balance-suggestion.ts): each node that
   * serves a logical store and answers lists its mailboxes; the others are named and left out.
   */
  async suggest(options: BalanceOptions = {}): Promise<BalanceSuggestion & { failures: MoveNodeFailure[] }> {
    const stores = await this.stores();
    const storesOf = new Map<string, string[]>();
    for (const { store, node } of stores) storesOf.set(node, [...(storesOf.get(node) ?? []), store]);
    const failures: MoveNodeFailure[] = [];
    const views = new Map(this.fleet.snapshot().nodes.map((n) => [n.name, n]));
    const loads: StoreNodeLoad[] = [];
    await Promise.all(
      [...storesOf].map(async ([node, served]) => {
        const view = views.get(node);
        const diskBytes = view?.metrics?.disk.totalBytes;
        if (view?.observed !== 'up' || diskBytes === undefined) {
          failures.push({ node, message: `${node} does not answer` });
          return;
        }
        try {
          const mailboxes = await this.mailboxesOf(node);
          // A node serving several stores (a spare after a failover) takes mail into its first;
          // which store each mailbox is on is the directory's to say, so the plan reads it there.
          loads.push({ node, store: served[0]!, diskBytes, mailboxes });
        } catch (error) {
          failures.push({ node, message: messageOf(error) });
        }
      }),
    );
    failures.sort((a, b) => byName(a.node, b.node));
    return { ...suggestBalance(loads, options), failures };
  }

  private async mailboxesOf(node: string): Promise<StoreNodeLoad['mailboxes']> {
    const mailboxes: Array<{ user: string; bytes: number; messages: number }> = [];
    const limit = 2000;
    for (let offset = 0; ; offset += limit) {
      const page = await this.fleet.call(node, 'mailbox.list', { offset, limit });
      mailboxes.push(
        ...page.mailboxes.map((m) => ({ user: m.user, bytes: m.sizeBytes, messages: m.messages })),
      );
      if (page.mailboxes.length < limit || offset + limit >= page.total) return mailboxes;
    }
  }

  private requireUp(node: string, named: string): void {
    const view = this.fleet.snapshot().nodes.find((n) => n.name === node);
    if (!view) throw new MoveRouteError('not-found', `there is no server ${node} in the directory`);
    if (view.observed !== 'up')
      throw new MoveRouteError(
        'unavailable',
        `${named} does not answer${view.problem ? ` (${view.problem.message})` : ''}`,
      );
  }
}

/** The reasons of a `refused` answer to move.start, if that is what `error` is. */
function refusalsOf(error: unknown): MoveRefusal[] | undefined {
  if (!(error instanceof RpcCallError) || error.codeName !== 'refused') return undefined;
  const data = error.data as { refusals?: unknown } | undefined;
  const parsed = moveRefusal.array().safeParse(data?.refusals);
  return parsed.success ? parsed.data : [];
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function byName(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
