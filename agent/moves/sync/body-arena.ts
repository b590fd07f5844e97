/**
 * The memory a move's target copies message bodies into as they arrive, one arena per write batch,
 * handed back and reused once the batch is on disk.
 *
 * Why: a body left where it arrived is a view of a chunk of the SSH channel, and a batch is held
 * while the previous one is written; held that long, the chunks outlive a young-generation
 * collection, move to V8's old generation, and only a full collection frees them. Measured on the
 * target of a 1 GiB move: about 60 full collections, 2 to 3 s of CPU on a 2-core node. Copied here
 * at once, the chunks die young; the arena lives outside V8's heap, is never collected, and the
 * writer threads read it where it is (a SharedArrayBuffer), with no second copy.
 */

/** One batch's bodies, back to back in shared memory. */
export class BodyArena {
  /** The memory the writer threads are given. */
  readonly memory: SharedArrayBuffer;
  private readonly bytes: Buffer;
  private used = 0;

  constructor(capacity: number) {
    this.memory = new SharedArrayBuffer(capacity);
    this.bytes = Buffer.from(this.memory);
  }

  /** `length` bytes of the arena for one body, or undefined when it has no room left. */
  reserve(length: number): Buffer | undefined {
    if (this.used + length > this.bytes.length) return undefined;
    const slice = this.bytes.subarray(this.used, this.used + length);
    this.used += length;
    return slice;
  }

  /** Forgets every body (they are on disk). */
  clear(): void {
    this.used = 0;
  }
}

// A batch is written once it holds 8 MiB (mailbox-copy.ts), so any body up to 4 MiB always fits in
// the batch's arena; a larger one gets memory of its own.
const arenaBytes = 12 * 1024 * 1024;
// Arenas kept for reuse: two per copy (one filling while one is written) for a few moves at once.
const keptArenas = 4;
const free: BodyArena[] = [];

/** An empty arena, reused when one is free. */
export function takeArena(): BodyArena {
  return free.pop() ?? new BodyArena(arenaBytes);
}

/** Gives an arena back once its bodies are no longer needed (written, or the copy failed). */
export function giveBackArena(arena: BodyArena): void {
  arena.clear();
  if (free.length < keptArenas && !free.includes(arena)) free.push(arena);
}
