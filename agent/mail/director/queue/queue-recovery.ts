/**
 * A queue's restart after a stop or a crash: every message in the spool is read back with the
 * outcomes recorded for it, the DSNs a crash left planned or un-noted are sent first
 * (queue-notices.ts), and messages whose recipients are all final are removed.
 */
import { isFinal, type QueueEntry } from './queue-entry.js';
import type { QueueNotices } from './queue-notices.js';
import type { QueueSpool } from './queue-spool.js';
import { applyRecord } from './recipient-routing.js';

/** The messages still to deliver, in spool order. */
export async function recoverSpool(
  spool: QueueSpool,
  notices: QueueNotices,
  onSkipped: (file: string, problem: string) => void,
): Promise<QueueEntry[]> {
  const spooled = await spool.load(onSkipped);
  const spooledIds = new Set(spooled.map((m) => m.header.id));
  const pending: QueueEntry[] = [];
  for (const { header, records, notices: noted } of spooled) {
    const entry: QueueEntry = {
      id: header.id,
      sender: header.sender,
      receivedAt: header.receivedAt,
      size: header.size,
      recipients: header.recipients.map((r) => ({ ...r, state: 'pending', attempts: 0, nextAttemptAt: 0 })),
    };
    for (const record of records) applyRecord(entry, record);
    notices.load(entry.id, noted);
    // Before anything is delivered: DSNs a crash left planned or un-noted.
    await notices.recover(entry, records, spooledIds);
    if (entry.recipients.every((r) => isFinal(r.state))) {
      await spool.remove(entry.id);
      notices.forget(entry.id);
    } else pending.push(entry);
  }
  return pending;
}
