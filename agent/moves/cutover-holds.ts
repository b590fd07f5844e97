/**
 * A director's part in a mailbox move's cutover (`cutover.hold` / `cutover.release`): hold the
 * user's queued and new mail (the queue's durable user hold) and their proxy logins, close their
 * proxied sessions; at release drop the cached routes first, so the held mail and the next login
 * go to the store the directory names now.
 *
 * Every hold a move placed is also written down here (`cutover-holds.json`, replaced atomically)
 * with its job, so none is ever left behind: at start and every minute, a hold whose user's move
 * lock no longer names its job in the cutover phase (the job flipped, finished or rolled back
 * while this director was down or unreachable) is released, and the proxy holds (kept in memory)
 * are placed again for the others.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { DurableRecordList } from '../common/durable-record-list.js';
import type { JsonLogger } from '../common/json-logger.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { MailQueue } from '../mail/director/queue/mail-queue.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import type { MoveLockSource } from './peer-lock.js';

/** What a director's cutover holds act on (each may be absent: a director without a proxy...). */
export interface CutoverHoldsOptions {
  dataDir: string;
  queue: () => MailQueue | undefined;
  proxies: () => DirectorProxies | undefined;
  router: () => RecipientRouter | undefined;
  directory: Pick<MoveLockSource, 'findUserByAddress'>;
  logger: JsonLogger;
  now: () => number;
}

const heldSchema = z.array(z.strictObject({ job: z.string(), user: z.string(), since: z.number() }));
type CutoverHold = z.infer<typeof heldSchema>[number];

/** The move holds of one director. */
export class CutoverHolds {
  private readonly held: DurableRecordList<CutoverHold>;

  constructor(private readonly options: CutoverHoldsOptions) {
    this.held = new DurableRecordList(join(options.dataDir, 'cutover-holds.json'), heldSchema);
  }

  /** Reads the holds written before a restart. */
  load(): Promise<void> {
    return this.held.load();
  }

  /** The holds in force (for status). */
  list(): ReadonlyArray<Readonly<CutoverHold>> {
    return this.held.list();
  }

  /**
   * Holds `user` for `job`: written down first (so a crash right after leaves a hold the sweep
   * knows), then the queue's hold (resolves once deliveries in flight are done), the proxy hold
   * and the kick. Returns how many proxied sessions were closed.
   */
  async hold(job: string, user: string): Promise<{ sessionsClosed: number }> {
    if (!this.list().some((h) => h.job === job && h.user === user)) {
      const since = this.options.now();
      await this.held.change((held) =>
        held.some((h) => h.job === job && h.user === user) ? [...held] : [...held, { job, user, since }],
      );
    }
    await this.options.queue()?.hold({ user });
    const proxies = this.options.proxies();
    proxies?.hold(user);
    return { sessionsClosed: proxies?.kick(user) ?? 0 };
  }

  /** Drops the user's cached routes, then lifts the holds; true when this director held them. */
  async release(job: string, user: string): Promise<{ released: boolean }> {
    const known = this.list().some((h) => h.job === job && h.user === user);
    this.options.router()?.invalidate({ user });
    const proxies = this.options.proxies();
    proxies?.invalidate();
    const proxyReleased = proxies?.release(user) ?? false;
    const queueReleased = (await this.options.queue()?.release({ user })) ?? false;
    if (known) await this.held.change((held) => held.filter((h) => !(h.job === job && h.user === user)));
    return { released: known || proxyReleased || queueReleased };
  }

  /**
   * Releases the holds whose move is over (the user's lock names another job, or none) and places
   * the proxy holds of the others again (they do not survive a restart). A directory that cannot
   * be read leaves every hold as it is.
   */
  async sweep(): Promise<void> {
    for (const hold of [...this.list()]) {
      let lockedByJob: boolean;
      try {
        const entry = await this.options.directory.findUserByAddress(hold.user);
        // Held only while its move is in the cutover (before the flip, or a job that stopped there).
        lockedByJob = entry?.moveState?.job === hold.job && entry.moveState.phase === 'cutover';
      } catch (error) {
        this.options.logger.warn('cannot check a cutover hold against the directory', {
          job: hold.job,
          error: String(error),
        });
        return;
      }
      if (lockedByJob) {
        this.options.proxies()?.hold(hold.user);
        continue;
      }
      this.options.logger.warn('releasing a cutover hold whose move is over', {
        job: hold.job,
        user: hold.user,
      });
      await this.release(hold.job, hold.user);
    }
  }
}
