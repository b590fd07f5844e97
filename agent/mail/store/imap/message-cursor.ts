/**
 * One object that reads the message at `index` of a session's list (FETCH FLAGS and SEARCH over a
 * folder of 100,000 messages move it along instead of building a summary, a Date and a copy per
 * message). Only for synchronous use: the next message moves it.
 */
import type { MessageList, MessageSummary } from '../mail-storage.js';

/** The message at `index`, as a summary. */
export class MessageCursor implements MessageSummary {
  index = 0;

  constructor(protected readonly list: MessageList) {}

  get uid(): number {
    return this.list.uid(this.index);
  }

  get flags(): readonly string[] {
    return this.list.flags(this.index);
  }

  get size(): number {
    return this.list.size(this.index);
  }

  get modseq(): number {
    return this.list.modseq(this.index);
  }

  get internalDate(): Date {
    return this.list.at(this.index).internalDate;
  }
}
