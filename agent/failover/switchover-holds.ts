/**
 * A director's part in a switch-over (`failover.hold` / `failover.release`, docs/failover.md):
 * hold a logical store's mail (the queue's durable store hold) and its users' proxy logins, close
 * their proxied sessions; at release drop the store's routes first, so the held mail and the next
 * login go to the node the directory names now.
 *
 * Every hold a switch-over placed is also written down here (`switchover-holds.json`, replaced
 * atomically) with its job and the store's epoch when it was placed, so none is left behind when
 * the job's node never comes back: at start and every minute, a hold whose store the directory
 * shows at a later epoch in a state other than `switching` (the switch-over was settled: repointed,
 * rolled back, or written by an administrator or a failover) is released; while the store says
 * `switching` the hold stays, and its proxy holds (kept in memory) are placed again.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import { DurableRecordList } from '../common/durable-record-list.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';

/** What a director's switch-over holds act on (each may be absent: a director without a proxy...). */
export interface SwitchoverHoldsOptions {
  dataDir: string;
  queue: () => MailQueue | undefined;
  proxies: () => DirectorProxies | undefined;
  router: () => RecipientRouter | undefined;
  directory: Pick<FleetDirectory, 'getLogicalStore' | 'searchUsers'>;
  logger: JsonLogger;
  now: () => number;
}

const heldSchema = z.array(
  z.strictObject({ store: z.string(), job: z.string(), epoch: z.number().int(), since: z.number() }),
);
type SwitchoverHold = z.infer<typeof heldSchema>[number];

/** The switch-over holds of one director. */
export class SwitchoverHolds {
  private readonly held: DurableRecordList<SwitchoverHold>;

  constructor(private readonly options: SwitchoverHoldsOptions) {
    this.held = new DurableRecordList(join(options.dataDir, 'switchover-holds.json'), heldSchema);
  }

  /** Reads the holds written before a restart. */
  load(): Promise<void> {
    return this.held.load();
  }

  /** The holds in force (for status and tests). */
  list(): ReadonlyArray<Readonly<SwitchoverHold>> {
    return this.held.list();
  }

  /**
   * Holds `store` for `job`, whose entry was read at `epoch`: written down first (so a crash right
   * after leaves a hold the sweep knows; a later try of the same switch-over replaces it), then the
   * queue's hold (resolves once no delivery to the store is in flight), the users' proxy holds and
   * the kicks. Returns the store's users and how many proxied sessions were closed.
   */
  async hold(store: string, job: string, epoch: number): Promise<{ users: number; closed: number }> {
    const since = this.options.now();
    await this.held.change((held) => [
      ...held.filter((h) => h.store !== store),
      { store, job, epoch, since },
    ]);
    // Durable: a director restarted meanwhile still holds.
    await this.options.queue()?.hold({ logicalStore: store });
    const proxies = this.options.proxies();
    const users = await this.usersOf(store);
    let closed = 0;
    for (const user of users) {
      proxies?.hold(user);
      closed += proxies?.kick(user) ?? 0;
    }
    return { users: users.length, closed };
  }

  /** Drops the store's cached routes, then lifts the holds; true when this director held it. */
  async release(store: string): Promise<{ released: boolean }> {
    const known = this.held.list().some((h) => h.store === store);
    this.options.router()?.invalidate({ logicalStore: store });
    const proxies = this.options.proxies();
    proxies?.invalidate();
    let released = known;
    for (const user of await this.usersOf(store)) released = (proxies?.release(user) ?? false) || released;
    released = ((await this.options.queue()?.release({ logicalStore: store })) ?? false) || released;
    if (known) await this.held.change((held) => held.filter((h) => h.store !== store));
    return { released };
  }

  /**
   * Releases the holds whose switch-over is settled (the store at a later epoch, not `switching`)
   * and places the proxy holds of the others again (they do not survive a restart). A directory
   * that cannot be read, or that has no entry for the store, leaves the hold as it is.
   */
  async sweep(): Promise<void> {
    for (const hold of [...this.held.list()]) {
      let entry: Awaited<ReturnType<SwitchoverHoldsOptions['directory']['getLogicalStore']>>;
      try {
        entry = await this.options.directory.getLogicalStore(hold.store);
      } catch (error) {
        this.options.logger.warn('cannot check a switch-over hold against the directory', {
          store: hold.store,
          job: hold.job,
          error: String(error),
        });
        return;
      }
      // Only a later epoch settles it: a directory provider that has not replicated the
      // `switching` write yet shows the epoch before the hold, which must not release it.
      if (!entry || entry.state === 'switching' || entry.epoch <= hold.epoch) {
        this.options.logger.info(
          `keeping the hold of ${hold.store} placed by switch-over ${hold.job}: ${entry ? `the directory shows ${hold.store} ${entry.state} at epoch ${entry.epoch}` : `the directory has no entry for ${hold.store}`}`,
          { store: hold.store, job: hold.job },
        );
        for (const user of await this.usersOf(hold.store)) this.options.proxies()?.hold(user);
        continue;
      }
      const minutes = Math.round((this.options.now() - hold.since) / 60_000);
      this.options.logger.warn(
        `releasing the hold of ${hold.store} placed by switch-over ${hold.job} ${minutes} min ago: the directory shows ${hold.store} ${entry.state} on ${entry.servedBy} at epoch ${entry.epoch}, so the switch-over is over; its held mail goes there now`,
        { store: hold.store, job: hold.job },
      );
      await this.release(hold.store);
    }
  }

  /** The addresses of a store's users, lower case. */
  private async usersOf(store: string): Promise<string[]> {
    if (!this.options.proxies()) return [];
    return (await this.options.directory.searchUsers({ mailHost: store })).map((u) => u.mail.toLowerCase());
  }
}
