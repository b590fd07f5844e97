/**
 * The decoded Subject of each queued message, so `queue.list` can show it in a column without
 * reading spool files on every refresh: noted when a message is queued, read once from the spool
 * for messages recovered after a restart, forgotten when the message leaves the queue (or when
 * more than `capacity` are kept: the oldest go, and are read again if still listed).
 */
import { readQueuedHeaders } from './queue-headers.js';

/** Subjects by queue id. */
export class QueueSubjects {
  private readonly subjects = new Map<string, string>();

  constructor(private readonly capacity = 100_000) {}

  /** Notes the subject of a message just queued (its header is parsed here, not its body). */
  async noteQueued(id: string, content: Buffer): Promise<void> {
    this.set(id, (await readQueuedHeaders(content)).subject ?? '');
  }

  /** The subject of `id`, reading it with `content` once when it is not known yet. */
  async subjectOf(id: string, content: () => Promise<Buffer>): Promise<string> {
    const known = this.subjects.get(id);
    if (known !== undefined) return known;
    const subject = (await readQueuedHeaders(await content())).subject ?? '';
    this.set(id, subject);
    return subject;
  }

  /** Forgets a message that left the queue. */
  forget(id: string): void {
    this.subjects.delete(id);
  }

  private set(id: string, subject: string): void {
    this.subjects.set(id, subject);
    if (this.subjects.size > this.capacity) {
      const oldest = this.subjects.keys().next().value;
      if (oldest !== undefined) this.subjects.delete(oldest);
    }
  }
}
