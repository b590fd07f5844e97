/** A bounded map whose entries expire after a time-to-live, on an injectable clock. */
import type { Clock } from '../../../common/clock.js';

/** Entries with an expiry; the oldest entry is dropped when the cache is full. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxEntries: number,
  ) {}

  /** The live value for `key`, if any. */
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  /** Stores `value` for `ttlMs`. */
  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    // Insertion order is age order: the first key is the oldest.
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
  }

  /** Drops every entry the predicate selects. */
  deleteWhere(select: (key: string, value: V) => boolean): void {
    for (const [key, { value }] of this.entries) if (select(key, value)) this.entries.delete(key);
  }

  /** Drops one entry. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
