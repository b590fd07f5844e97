/**
 * ENVELOPE, BODY and BODYSTRUCTURE of messages already parsed, shared by every session of the
 * server. A message never changes under a (folder, UIDVALIDITY, UID), so entries need no
 * invalidation; the cache is bounded by bytes and drops the least recently used first.
 */
import { formatBodyStructure } from './body-structure.js';
import { formatEnvelope } from './envelope.js';
import { LruByteCache } from './lru-byte-cache.js';
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
export class MessageStructureCache extends LruByteCache<MessageStructure> {
  constructor(maxBytes: number) {
    super(maxBytes, (entry) => entry.envelope.length + entry.body.length + entry.bodyStructure.length);
  }
}
