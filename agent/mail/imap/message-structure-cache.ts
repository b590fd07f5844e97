/**
 * ENVELOPE, BODY and BODYSTRUCTURE of messages already parsed, shared by every session of the
 * server. A message never changes under a (folder, UIDVALIDITY, UID), so entries need no
 * invalidation; the cache is bounded by bytes and drops the least recently used first.
 */
import { formatBodyStructure } from './body-structure.js';
import { formatEnvelope } from './envelope.js';
import { parseMimeTree } from './mime-tree.js';

/** Parsed, formatted structure of one message (latin1 strings, ready to send). */
export interface MessageStructure {
  envelope: string;
  body: string;
  bodyStructure: string;
}

/** Computes the structure of a raw message. */
export function messageStructure(raw: Buffer): MessageStructure {
  const tree = parseMimeTree(raw);
  return {
    envelope: formatEnvelope(tree.fields),
    body: formatBodyStructure(raw, tree, false),
    bodyStructure: formatBodyStructure(raw, tree, true),
  };
}

/** Key of a message: user, folder, UIDVALIDITY and UID. */
export function structureKey(user: string, folder: string, uidValidity: number, uid: number): string {
  return `${user}\u0000${folder}\u0000${uidValidity}\u0000${uid}`;
}

/** Bounded LRU of message structures. */
export class MessageStructureCache {
  private readonly entries = new Map<string, MessageStructure>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Entries held (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string): MessageStructure | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // Most recently used last, so eviction takes the oldest.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: MessageStructure): void {
    const cost = this.cost(key, entry);
    if (cost > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= this.cost(key, old);
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    this.bytes += cost;
    for (const [oldest, value] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= this.cost(oldest, value);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private cost(key: string, entry: MessageStructure): number {
    // Strings of latin1 chars take one byte each; plus the map entry's own overhead.
    return key.length + entry.envelope.length + entry.body.length + entry.bodyStructure.length + 96;
  }
}
