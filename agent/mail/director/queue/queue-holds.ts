/**
 * Holds on queued mail: by message id, by recipient user (mailbox address) or by logical store.
 * Held recipients stay queued until released (mailbox moves and maintenance use this). Holds are
 * kept in `holds.json` so a restart does not deliver mail an administrator held.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { QueueHold } from '../../../common/contract/methods.js';
import { isMissing, readWholeFile, replaceFileAtomically } from '../../../common/durable-fs.js';

const holdsFileSchema = z.strictObject({
  messageIds: z.array(z.string()),
  users: z.array(z.string()),
  logicalStores: z.array(z.string()),
});

/** The set of holds of one queue. */
export class QueueHolds {
  private readonly messageIds = new Set<string>();
  private readonly users = new Set<string>();
  private readonly logicalStores = new Set<string>();
  private readonly file: string;

  constructor(root: string) {
    this.file = join(root, 'holds.json');
  }

  /** Reads the saved holds. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = (await readWholeFile(this.file)).toString('utf8');
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    const saved = holdsFileSchema.parse(JSON.parse(text));
    for (const id of saved.messageIds) this.messageIds.add(id);
    for (const user of saved.users) this.users.add(user);
    for (const store of saved.logicalStores) this.logicalStores.add(store);
  }

  /** Adds a hold and saves. */
  async add(hold: QueueHold): Promise<void> {
    this.setFor(hold).add(keyOf(hold));
    await this.save();
  }

  /** Removes a hold and saves; true when it was there. */
  async remove(hold: QueueHold): Promise<boolean> {
    const removed = this.setFor(hold).delete(keyOf(hold));
    if (removed) await this.save();
    return removed;
  }

  /** Whether this message or recipient user is held (logical store holds are checked after routing). */
  holdsRecipient(messageId: string, user: string): boolean {
    return this.messageIds.has(messageId) || this.users.has(user.toLowerCase());
  }

  /** Whether deliveries to this logical store are held. */
  holdsLogicalStore(name: string): boolean {
    return this.logicalStores.has(name.toLowerCase());
  }

  /** Every hold, for status and the console. */
  list(): QueueHold[] {
    return [
      ...[...this.messageIds].map((messageId) => ({ messageId })),
      ...[...this.users].map((user) => ({ user })),
      ...[...this.logicalStores].map((logicalStore) => ({ logicalStore })),
    ];
  }

  private setFor(hold: QueueHold): Set<string> {
    if ('messageId' in hold) return this.messageIds;
    if ('user' in hold) return this.users;
    return this.logicalStores;
  }

  private async save(): Promise<void> {
    const saved = {
      messageIds: [...this.messageIds],
      users: [...this.users],
      logicalStores: [...this.logicalStores],
    };
    await replaceFileAtomically(this.file, JSON.stringify(saved));
  }
}

function keyOf(hold: QueueHold): string {
  if ('messageId' in hold) return hold.messageId;
  if ('user' in hold) return hold.user.toLowerCase();
  return hold.logicalStore.toLowerCase();
}
