/**
 * A least-recently-used cache bounded by an estimate of the bytes it holds, for values derived
 * from messages that never change under a key (user, folder, UIDVALIDITY, UID): parsed structures
 * for FETCH, sort and thread keys for SORT and THREAD. Shared by every session of a server.
 */

/** Bounded LRU; `cost` estimates a value's bytes (the key and map overhead are added). */
export class LruByteCache<T> {
  private readonly entries = new Map<string, T>();
  private bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly cost: (value: T) => number,
  ) {}

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Most recently used last, so eviction takes the oldest.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, value: T): void {
    const cost = this.costOf(key, value);
    // One huge value would flush everything else for little gain.
    if (cost > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.bytes -= this.costOf(key, old);
      this.entries.delete(key);
    }
    this.entries.set(key, value);
    this.bytes += cost;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= this.costOf(oldest, entry);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private costOf(key: string, value: T): number {
    // Strings of latin1 chars take one byte each; plus the map entry's own overhead.
    return key.length + this.cost(value) + 96;
  }
}
