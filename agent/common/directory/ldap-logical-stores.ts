/**
 * Logical store entries over LDAP (`cn=<store>,ou=stores`): which node serves a store, where its
 * replica is placed, and its failover state (epoch, state, failover node). The failover state is
 * written as a compare-and-set on the epoch (store-state.ts), the way a user's move lock is
 * (move-state.ts).
 */
import { DirectoryError, DirectoryOutcomeUnknown } from './directory-errors.js';
import { logicalStoreKind } from './entry-kinds.js';
import type { FleetDirectory } from './fleet-directory.js';
import type { LogicalStoreEntry } from './fleet-entries.js';
import { byName, idempotent, type LdapDirectoryLink, replaceValues } from './ldap-directory-link.js';
import { isMoveLockConflict } from './move-state.js';
import { logicalStoreEntry } from './seed-entries.js';
import {
  StoreEpochConflict,
  type StoreStateChange,
  storeStateApplied,
  storeStateChanges,
} from './store-state.js';

/** The logical-store part of {@link FleetDirectory} over LDAP. */
export class LdapLogicalStores
  implements
    Pick<
      FleetDirectory,
      | 'addLogicalStore'
      | 'deleteLogicalStore'
      | 'listLogicalStores'
      | 'getLogicalStore'
      | 'setReplicaNode'
      | 'changeStoreState'
      | 'setFailoverNode'
    >
{
  constructor(private readonly link: LdapDirectoryLink) {}

  async addLogicalStore(store: { name: string; servedBy: string }): Promise<LogicalStoreEntry> {
    const { dn, attributes } = logicalStoreEntry(this.link.tree, store);
    await this.link.session.write(`adding the logical store ${store.name}`, (c) => c.add(dn, attributes));
    const added = await this.getLogicalStore(store.name);
    if (!added) throw new DirectoryError(`the logical store ${store.name} was added but cannot be read back`);
    return added;
  }

  async deleteLogicalStore(name: string): Promise<void> {
    await this.link.session.write(
      `deleting the logical store ${name}`,
      (c) => c.del(this.link.tree.store(name)),
      `no such logical store ${name}`,
    );
  }

  async listLogicalStores(): Promise<LogicalStoreEntry[]> {
    return (await this.link.list(logicalStoreKind, this.link.tree.stores)).sort(byName);
  }

  async getLogicalStore(name: string): Promise<LogicalStoreEntry | undefined> {
    return this.link.one(logicalStoreKind, this.link.tree.stores, name);
  }

  async setReplicaNode(store: string, replicaNode: string | undefined): Promise<void> {
    const values = replicaNode === undefined ? [] : [replicaNode];
    // A replace (of nothing, for a removal): sent again on another server, it leaves the same entry.
    await this.link.session.write(
      `placing the replica of ${store}`,
      (c) => c.modify(this.link.tree.store(store), [replaceValues('mailfleetReplicaNode', values)]),
      `no such logical store ${store}`,
      idempotent,
    );
  }

  async changeStoreState(store: string, change: StoreStateChange): Promise<LogicalStoreEntry> {
    try {
      await this.writeStoreState(store, change);
    } catch (error) {
      if (!(error instanceof DirectoryOutcomeUnknown)) throw error;
      // The answer was lost: read the entry where it is now before anything is sent again (a
      // change sent twice would be refused as a conflict with itself).
      const entry = await this.getLogicalStore(store);
      if (entry && storeStateApplied(entry, change)) return entry;
      if (entry?.epoch === change.fromEpoch) await this.writeStoreState(store, change);
      else throw new StoreEpochConflict(store, change.fromEpoch, entry?.epoch, { cause: error });
    }
    const entry = await this.getLogicalStore(store);
    if (!entry) throw new StoreEpochConflict(store, change.fromEpoch, undefined);
    return entry;
  }

  /** One compare-and-set modify of a store's epoch and state; a conflict names the epoch in place. */
  private async writeStoreState(store: string, change: StoreStateChange): Promise<void> {
    try {
      await this.link.session.write(
        `the failover state of ${store}`,
        (c) => c.modify(this.link.tree.store(store), storeStateChanges(change)),
        `no such logical store ${store}`,
      );
    } catch (error) {
      if (!isMoveLockConflict(error)) throw error;
      throw new StoreEpochConflict(store, change.fromEpoch, (await this.getLogicalStore(store))?.epoch, {
        cause: error,
      });
    }
  }

  async setFailoverNode(store: string, node: string | undefined): Promise<void> {
    const values = node === undefined ? [] : [node];
    await this.link.session.write(
      `naming the failover node of ${store}`,
      (c) => c.modify(this.link.tree.store(store), [replaceValues('mailfleetFailoverNode', values)]),
      `no such logical store ${store}`,
      idempotent,
    );
  }
}
