/**
 * What writes the mail trace: the director's queue (received, then each durable outcome of each
 * recipient) and the gateway's decisions (greylisted, refused, relayed). Kept apart from the SMTP
 * servers and the queue, which only call back.
 */
import type { MailTraceStep } from '../../common/contract/mail-trace-contract.js';
import type { IncomingMessage, QueueEntry, StateRecord } from '../director/queue/queue-entry.js';
import type { GatewayDecision } from '../gateway/spam-statistics.js';
import { type MailTraceLog, messageIdOf } from './mail-trace-log.js';

/** The director's part: call `received` after a message is queued, `recorded` for its outcomes. */
export class DirectorTraceRecorder {
  // Queue id -> Message-ID, while the message is queued (the outcomes do not carry the content).
  private readonly messageIds = new Map<string, string>();

  constructor(
    private readonly trace: MailTraceLog,
    private readonly now: () => number,
  ) {}

  /** A message was accepted into the queue (durably) as `queueId`. */
  received(queueId: string, message: IncomingMessage): void {
    const messageId = messageIdOf(message.content);
    if (messageId) this.messageIds.set(queueId, messageId);
    const at = this.now();
    for (const recipient of message.recipients) {
      this.trace.add({
        at,
        kind: 'received',
        sender: message.sender,
        recipient: recipient.address,
        queueId,
        ...(messageId ? { messageId } : {}),
      });
    }
  }

  /** Outcomes of `entry` were written (MailQueue's `onRecorded`). */
  recorded(entry: Readonly<QueueEntry>, records: readonly StateRecord[]): void {
    const messageId = this.messageIds.get(entry.id);
    for (const record of records) {
      const recipient = entry.recipients[record.i];
      if (!recipient) continue;
      const step: MailTraceStep = {
        at: record.at,
        kind: record.s,
        sender: entry.sender,
        recipient: recipient.address,
        queueId: entry.id,
        ...(messageId ? { messageId } : {}),
        ...(recipient.destination ? { destination: recipient.destination } : {}),
        ...(record.r ? { reason: record.r } : {}),
        ...(record.next !== undefined ? { nextAttemptAt: record.next } : {}),
      };
      this.trace.add(step);
    }
    if (entry.recipients.every((r) => r.state === 'delivered' || r.state === 'bounced')) {
      this.messageIds.delete(entry.id);
    }
  }
}

const gatewayKinds = {
  greylisted: 'greylisted',
  rejectedUnknownRecipient: 'refused-unknown-user',
  rejectedAuthentication: 'refused-forged-sender',
  rejectedVirus: 'refused-virus',
  rejectedSpam: 'refused-spam',
  // Delivered, marked as spam (the domain's DMARC policy is quarantine): the director gets it.
  quarantined: 'relayed',
  clean: 'relayed',
  tagged: 'relayed',
} as const;

/** A gateway decision (SpamStatistics' `onRecord`) as a trace step. */
export function gatewayTraceStep(decision: GatewayDecision, at: number): MailTraceStep {
  const kind = gatewayKinds[decision.outcome];
  return {
    at,
    kind,
    sender: decision.sender,
    recipient: decision.recipient,
    reason: decision.reason,
    client: decision.clientAddress,
    ...(kind === 'relayed' ? { scanned: !/not configured/.test(decision.reason) } : {}),
  };
}
