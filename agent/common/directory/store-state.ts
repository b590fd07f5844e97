/**
 * The failover state of a logical store in its directory entry (docs/failover.md): which node
 * serves it (`mailfleetServedBy`), what it is doing (`mailfleetStoreState`) and its epoch
 * (`mailfleetStoreEpoch`). Every change a failover job makes raises the epoch by one in a single
 * LDAP modify that deletes the exact epoch it expects and adds the next: the server refuses it when
 * another job (or an admin) changed the store meanwhile, so two jobs can never both repoint a store,
 * and an epoch never goes back (compare-and-set in one operation, on OpenLDAP and on the embedded
 * directory alike, as the move lock does).
 */
import { Attribute, Change } from 'ldapts';
import { DirectoryError } from './directory-errors.js';
import type { LogicalStoreEntry, LogicalStoreState } from './fleet-entries.js';

/** One compare-and-set of a store's failover state. */
export interface StoreStateChange {
  /** The epoch the writer read; the change is refused when another is in place. */
  fromEpoch: number;
  /** The epoch written: `fromEpoch + 1`. */
  epoch: number;
  state: LogicalStoreState;
  /** The node that serves the store from now (unchanged when absent). */
  servedBy?: string;
  /** The node holding its replica from now; `null` removes the placement (unchanged when absent). */
  replicaNode?: string | null;
}

/** The LDAP modifications of a {@link StoreStateChange}, in the order the server applies them. */
export function storeStateChanges(change: StoreStateChange): Change[] {
  const changes: Change[] = [];
  const modify = (operation: 'add' | 'delete' | 'replace', type: string, values: string[]) =>
    changes.push(new Change({ operation, modification: new Attribute({ type, values }) }));
  // An entry never failed over has no epoch (0): the add then fails if one was written meanwhile.
  if (change.fromEpoch > 0) modify('delete', 'mailfleetStoreEpoch', [String(change.fromEpoch)]);
  modify('add', 'mailfleetStoreEpoch', [String(change.epoch)]);
  modify('replace', 'mailfleetStoreState', [change.state]);
  if (change.servedBy !== undefined) modify('replace', 'mailfleetServedBy', [change.servedBy]);
  if (change.replicaNode !== undefined)
    modify('replace', 'mailfleetReplicaNode', change.replicaNode === null ? [] : [change.replicaNode]);
  return changes;
}

/** Whether the entry shows the change done (after an answer lost on the way). */
export function storeStateApplied(entry: LogicalStoreEntry, change: StoreStateChange): boolean {
  return (
    entry.epoch === change.epoch &&
    entry.state === change.state &&
    (change.servedBy === undefined || entry.servedBy === change.servedBy) &&
    (change.replicaNode === undefined || (entry.replicaNode ?? null) === change.replicaNode)
  );
}

/** A store state change refused because the store's epoch is not the one the writer read. */
export class StoreEpochConflict extends DirectoryError {
  constructor(
    readonly store: string,
    readonly expected: number,
    /** The epoch found after the refusal; undefined when the entry is gone. */
    readonly current: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      current === undefined
        ? `there is no logical store ${store}`
        : `the logical store ${store} changed meanwhile (epoch ${current}, not ${expected}): another failover or an administrator wrote it`,
      undefined,
      options,
    );
    this.name = 'StoreEpochConflict';
  }
}
