/**
 * Greylisting in the MailHurdle manner. The first attempt of a triplet (client network, sender,
 * recipient) is deferred with 451 4.7.1; a retry after the minimum delay and within the retry
 * window passes, and so does every later message with that triplet until it goes unused for the
 * passed lifetime. A client network that passed `whitelistAfterPasses` times skips greylisting.
 * Decisions are Map lookups; state changes go to a `GreylistJournal` so they survive a restart.
 */
import type { Clock } from '../../common/clock.js';
import { clientNetwork } from './client-network.js';
import { greylistSender, parseEnvelopeAddress } from './envelope-address.js';
import type { GreylistJournal } from './greylist-journal.js';
import {
  applyGreylistRecord as applyRecord,
  emptyGreylistMaps,
  type GreylistMaps,
  type GreylistRecord,
} from './greylist-state.js';
import type { SmtpReply } from './smtp-refusal.js';

/** Greylisting timings and thresholds. */
export interface GreylistSettings {
  /** A retry sooner than this after the first attempt is deferred again (default 5 min). */
  minDelayMs: number;
  /** A retry later than this after the first attempt starts over (default 24 h). */
  retryWindowMs: number;
  /** A passed triplet unused this long is forgotten (default 36 days). */
  passedLifetimeMs: number;
  /** Passes after which the client network is whitelisted (default 5; 0 turns it off). */
  whitelistAfterPasses: number;
  /** A whitelisted network unseen this long is forgotten (default 36 days). */
  whitelistLifetimeMs: number;
  /** Expired entries are swept from memory at most this often, during a decision (default 1 h). */
  sweepIntervalMs: number;
}

/** Defaults: postgrey's and MailHurdle's usual values. */
export const defaultGreylistSettings: GreylistSettings = {
  minDelayMs: 5 * 60_000,
  retryWindowMs: 24 * 3_600_000,
  passedLifetimeMs: 36 * 86_400_000,
  whitelistAfterPasses: 5,
  whitelistLifetimeMs: 36 * 86_400_000,
  sweepIntervalMs: 3_600_000,
};

/** Why the greylist decided as it did (statistics and logs show this). */
export type GreylistReason =
  | 'whitelisted-network'
  | 'known-triplet'
  | 'retried-after-delay'
  | 'first-attempt'
  | 'retried-too-early'
  | 'retry-window-expired';

/** A greylist decision for one recipient. */
export type GreylistDecision =
  | { action: 'pass'; reason: GreylistReason; network: string }
  | { action: 'defer'; reason: GreylistReason; network: string; retryAfterMs: number; reply: SmtpReply };

/** Where the greylist keeps its state (omit `journal` for a memory-only greylist). */
export interface GreylistOptions {
  clock: Clock;
  settings?: Partial<GreylistSettings>;
  journal?: GreylistJournal;
}

/** Counts of the greylist's entries, for status displays. */
export interface GreylistCounts {
  pendingTriplets: number;
  passedTriplets: number;
  networks: number;
  whitelistedNetworks: number;
}

/** The greylist of one gateway. `open()` before deciding, `close()` at shutdown. */
export class Greylist {
  readonly settings: GreylistSettings;
  private maps: GreylistMaps = emptyGreylistMaps();
  private lastSweep = 0;

  constructor(private readonly options: GreylistOptions) {
    this.settings = { ...defaultGreylistSettings, ...options.settings };
  }

  /** Loads the state from the journal (if any), dropping what expired while the gateway was down. */
  open(): void {
    if (this.options.journal) this.maps = this.options.journal.open();
    this.sweep();
  }

  /**
   * Decides for one recipient. Throws `SmtpInputError` (501/421 with words) for a malformed sender,
   * recipient or client address; the SMTP layer sends its reply.
   */
  decide(clientAddress: string, sender: string, recipient: string): GreylistDecision {
    const { network } = clientNetwork(clientAddress);
    const key = `${network}\u0000${greylistSender(sender)}\u0000${parseEnvelopeAddress(recipient, 'recipient')}`;
    const now = this.options.clock.now();
    const s = this.settings;
    // Lazily, so expired entries do not pile up in memory between compactions (no timer to own).
    if (now - this.lastSweep >= s.sweepIntervalMs) this.sweep();

    const net = this.maps.networks.get(network);
    if (net?.whitelistedAt != null && now - net.lastSeen <= s.whitelistLifetimeMs) {
      // Touch at most once a minute: a busy whitelisted network must not fill the log.
      if (now - net.lastSeen >= 60_000) this.record({ t: 'network', k: network, ...net, lastSeen: now });
      return { action: 'pass', reason: 'whitelisted-network', network };
    }

    const passed = this.maps.passed.get(key);
    if (passed && now - passed.lastSeen <= s.passedLifetimeMs) {
      this.countPass(network, now);
      if (now - passed.lastSeen >= 60_000) this.record({ t: 'passed', k: key, ...passed, lastSeen: now });
      return { action: 'pass', reason: 'known-triplet', network };
    }

    const pending = this.maps.pending.get(key);
    if (pending && now - pending.firstSeen <= s.retryWindowMs) {
      const waited = now - pending.firstSeen;
      if (waited >= s.minDelayMs) {
        this.record({ t: 'passed', k: key, passedAt: now, lastSeen: now });
        this.countPass(network, now);
        return { action: 'pass', reason: 'retried-after-delay', network };
      }
      this.record({ t: 'pending', k: key, ...pending, lastSeen: now, attempts: pending.attempts + 1 });
      return this.defer(network, 'retried-too-early', s.minDelayMs - waited);
    }

    this.record({ t: 'pending', k: key, firstSeen: now, lastSeen: now, attempts: 1 });
    return this.defer(network, pending ? 'retry-window-expired' : 'first-attempt', s.minDelayMs);
  }

  /** Removes expired entries (call now and then; `open()` and compaction do). */
  sweep(): number {
    const now = this.options.clock.now();
    this.lastSweep = now;
    const s = this.settings;
    let removed = 0;
    const drop = (k: string): void => {
      removed += 1;
      this.record({ t: 'gone', k });
    };
    for (const [k, v] of this.maps.pending) if (now - v.firstSeen > s.retryWindowMs) drop(k);
    for (const [k, v] of this.maps.passed) if (now - v.lastSeen > s.passedLifetimeMs) drop(k);
    for (const [k, v] of this.maps.networks) {
      const lifetime = v.whitelistedAt != null ? s.whitelistLifetimeMs : s.passedLifetimeMs;
      if (now - v.lastSeen > lifetime) drop(k);
    }
    return removed;
  }

  /** Sweeps and rewrites the journal's snapshot; called when the log has grown. */
  compact(): void {
    this.sweep();
    this.options.journal?.compact(this.maps);
  }

  /** Entry counts for the gateway's status. */
  counts(): GreylistCounts {
    let whitelisted = 0;
    for (const v of this.maps.networks.values()) if (v.whitelistedAt != null) whitelisted += 1;
    return {
      pendingTriplets: this.maps.pending.size,
      passedTriplets: this.maps.passed.size,
      networks: this.maps.networks.size,
      whitelistedNetworks: whitelisted,
    };
  }

  /** Writes pending state and closes the journal. */
  close(): void {
    this.options.journal?.close();
  }

  private countPass(network: string, now: number): void {
    const threshold = this.settings.whitelistAfterPasses;
    const before = this.maps.networks.get(network);
    const passes = (before?.passes ?? 0) + 1;
    const whitelistedAt = threshold > 0 && passes >= threshold ? (before?.whitelistedAt ?? now) : null;
    this.record({ t: 'network', k: network, passes, lastSeen: now, whitelistedAt });
  }

  private defer(network: string, reason: GreylistReason, retryAfterMs: number): GreylistDecision {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    return {
      action: 'defer',
      reason,
      network,
      retryAfterMs,
      reply: {
        code: 451,
        enhanced: '4.7.1',
        message: `Greylisted: first delivery attempt from this network for this sender and recipient; please retry in ${seconds} seconds`,
      },
    };
  }

  private record(record: GreylistRecord): void {
    applyRecord(this.maps, record);
    const journal = this.options.journal;
    if (!journal) return;
    journal.append(record);
    // Compact when the log holds far more records than there are live entries.
    const live = this.maps.pending.size + this.maps.passed.size + this.maps.networks.size;
    if (journal.recordsSinceCompaction > Math.max(100_000, live * 4)) journal.compact(this.maps);
  }
}
