/**
 * What the director's queue holds: messages with their envelope and one state per recipient, and
 * the schemas that parse the spool's records back when the queue restarts.
 */
import { z } from 'zod';

/** Where one recipient of a queued message stands. */
export type RecipientState = 'pending' | 'deferred' | 'delivered' | 'bounced';

/** One recipient of a queued message. */
export interface QueueRecipient {
  /** Address delivered to: a local mailbox's primary address (after alias expansion) or a remote address. */
  address: string;
  /** Address the client gave at RCPT (differs after alias/group expansion or forwarding). */
  original: string;
  state: RecipientState;
  attempts: number;
  /** Epoch ms before which no attempt is made (deferred recipients). */
  nextAttemptAt: number;
  /** Last delivery reply or failure. */
  lastReason?: string;
  /** The remote MTA that gave the last reply, when one did (for DSNs). */
  remoteMta?: string;
  /** Destination key of the last routing (`lmtp:store07`); in memory only, set again on each attempt. */
  destination?: string;
}

/** A queued message (the content stays in the spool file). */
export interface QueueEntry {
  id: string;
  /** Envelope sender; empty for the null sender `<>`. */
  sender: string;
  /** Epoch ms when the message got its 250. */
  receivedAt: number;
  /** Content size in bytes. */
  size: number;
  recipients: QueueRecipient[];
}

/** A message as the SMTP server hands it to the queue. */
export interface IncomingMessage {
  sender: string;
  recipients: { address: string; original: string }[];
  content: Buffer;
}

/** Header line of a spool file: the envelope, then `size` content bytes follow. */
export const spoolHeaderSchema = z.strictObject({
  v: z.literal(1),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  sender: z.string().max(1000),
  receivedAt: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  recipients: z
    .array(z.strictObject({ address: z.string().min(1).max(1000), original: z.string().max(1000) }))
    .min(1),
});

/** Header line of a spool file. */
export type SpoolHeader = z.infer<typeof spoolHeaderSchema>;

/** One line of a message's state log: a recipient reached a new state. */
export const stateRecordSchema = z.strictObject({
  i: z.number().int().nonnegative(),
  s: z.enum(['deferred', 'delivered', 'bounced']),
  at: z.number().int().nonnegative(),
  next: z.number().int().nonnegative().optional(),
  r: z.string().max(2000).optional(),
  /** Bounced: id of the DSN planned for it (written before the DSN, so a crash cannot lose it). */
  dsn: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  /** The remote MTA that gave the reply, for the DSN's Remote-MTA field. */
  mta: z.string().max(255).optional(),
});

/** One line of a message's state log. */
export type StateRecord = z.infer<typeof stateRecordSchema>;

/** A line of the state log saying a DSN for this message is in the queue (see queue-notices.ts). */
export const noticeRecordSchema = z.strictObject({
  n: z.enum(['delayed', 'failed']),
  dsn: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  at: z.number().int().nonnegative(),
});

/** A DSN noted in a message's state log. */
export type NoticeRecord = z.infer<typeof noticeRecordSchema>;

/** A recipient is final once delivered or bounced: it is never attempted again. */
export function isFinal(state: RecipientState): boolean {
  return state === 'delivered' || state === 'bounced';
}
