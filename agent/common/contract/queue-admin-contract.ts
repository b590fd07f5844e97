/**
 * The queue operations of the wire contract: the filter every queue listing and bulk action takes,
 * and `queue.show`, `queue.showBody`, `queue.flush`, `queue.requeue`, `queue.delete`. methods.ts
 * spreads these into the one method map, so tiers (access-matrix.ts) and audit are enforced by the
 * dispatcher as for every other method.
 *
 * Tiers (in access-matrix.ts), as a postmaster would set them: staff (system, helpdesk) may look
 * at envelopes and headers, flush and requeue (each only speeds up what the queue does anyway);
 * reading a body is system-only and audited (it is someone's mail); deleting is system-only,
 * because it destroys mail the site already acknowledged, and without a bounce nobody is ever told.
 * Helpdesk staff hold mail instead (reversible) and ask the system administrator.
 */
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

/** A queue id as the director's queue makes them. */
export const queueMessageId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a queue id');

/** Which queued messages a listing or bulk action applies to; every given criterion must match. */
export const queueFilter = z
  .object({
    /** A recipient's address (delivered-to or as given at RCPT) contains this text (case-insensitive). */
    recipient: z.string().max(320).optional(),
    /** The sender contains this text (case-insensitive). */
    sender: z.string().max(320).optional(),
    /** A recipient's domain is this domain (exactly, case-insensitive). */
    domain: z
      .string()
      .regex(/^[A-Za-z0-9.-]{1,253}$/, 'a mail domain')
      .optional(),
    /** A recipient was last routed to this destination (`lmtp:store07`), as queue.summary names them. */
    destination: z.string().min(1).max(300).optional(),
    /** The message was received at least this many seconds ago. */
    olderThanSeconds: z.number().int().min(0).optional(),
    /** The message was received less than this many seconds ago. */
    youngerThanSeconds: z.number().int().min(1).optional(),
    /** A recipient's last delivery reply contains this text (case-insensitive), e.g. `4.2.2` or `quota`. */
    reason: z.string().min(1).max(200).optional(),
    /** A recipient is in this state. */
    state: z.enum(['pending', 'deferred', 'delivered', 'bounced']).optional(),
    /** true: a recipient is held; false: no recipient is held by message or user hold. */
    held: z.boolean().optional(),
  })
  .strict();
/** A queue filter (parsed). */
export type QueueFilterParams = z.infer<typeof queueFilter>;

/** One recipient of a queued message, as queue.list and queue.show show it. */
export const queueRecipient = z.object({
  address: z.string(),
  original: z.string(),
  state: z.enum(['pending', 'deferred', 'delivered', 'bounced']),
  attempts: z.number().int().nonnegative(),
  /** ms since the epoch; 0 = due now. */
  nextAttemptAt: z.number(),
  lastReason: z.string().optional(),
  /** Destination key of the last routing (absent before the first attempt). */
  destination: z.string().optional(),
  held: z.boolean(),
});

/** A queued message (envelope only; content is never listed). */
export const queueListEntry = z.object({
  id: z.string(),
  sender: z.string(),
  receivedAt: z.number(),
  /** When the queue gives up (its lifetime): unfinished recipients are then bounced to the sender. */
  expiresAt: z.number().optional(),
  sizeBytes: z.number().int().nonnegative(),
  /** The Subject, decoded (RFC 2047: `=?UTF-8?B?…?=` reads as written); queue.list fills it. */
  subject: z.string().optional(),
  recipients: z.array(queueRecipient),
});
export type QueueListEntry = z.infer<typeof queueListEntry>;

/** Which messages a bulk action touches: ids, a filter, or both (then both must match). */
const bulkTarget = {
  ids: z.array(queueMessageId).min(1).max(10_000).optional(),
  filter: queueFilter.optional(),
  /** Count what would be touched, change nothing. */
  dryRun: z.boolean().default(false),
};

/** What a bulk action touched (or would, with dryRun). */
export const queueBulkResult = z.object({
  messages: z.number().int().nonnegative(),
  /** Unfinished recipients of those messages. */
  recipients: z.number().int().nonnegative(),
  dryRun: z.boolean(),
});

const headerLine = z.object({ name: z.string(), value: z.string() });

export const queueAdminMethods = {
  'queue.show': {
    params: z.object({ id: queueMessageId }).strict(),
    result: z.object({
      entry: queueListEntry,
      /** Header fields as spooled, unfolded, in order (values not decoded). */
      headers: z.array(headerLine),
      /** Subject decoded from RFC 2047 words (Japanese subjects read as written). */
      subject: z.string().optional(),
      /** More header fields than are returned (a cap keeps the answer small). */
      headersTruncated: z.boolean(),
    }),
    audited: false,
    summary: 'One queued message: envelope, per-recipient state and the message headers (no body).',
  },
  'queue.showBody': {
    params: z.object({ id: queueMessageId }).strict(),
    result: z.object({
      id: z.string(),
      /** The body as text (bytes that are not UTF-8 are replaced), up to 256 KiB. */
      body: z.string(),
      bodyBytes: z.number().int().nonnegative(),
      truncated: z.boolean(),
    }),
    audited: true,
    summary: "A queued message's body. System tier only; every call is audited.",
  },
  'queue.flush': {
    params: z.object(bulkTarget).strict(),
    result: queueBulkResult,
    audited: true,
    summary: 'Attempt queued mail now (all, by ids or by filter, e.g. a destination); held mail stays held.',
  },
  'queue.requeue': {
    params: z.object(bulkTarget).strict(),
    result: queueBulkResult,
    audited: true,
    summary:
      'Re-route queued mail now with fresh directory lookups and the retry backoff reset (as postsuper -r).',
  },
  'queue.delete': {
    params: z
      .object({
        ...bulkTarget,
        /** true: every unfinished recipient is bounced to the sender; false: removed silently. */
        bounce: z.boolean(),
      })
      .strict()
      .refine((p) => p.ids !== undefined || (p.filter !== undefined && Object.keys(p.filter).length > 0), {
        message: 'name the messages: ids, or a filter with at least one criterion',
      }),
    result: queueBulkResult,
    audited: true,
    summary:
      'Delete queued messages by ids or filter, with or without a bounce to the sender. System tier only.',
  },
} as const satisfies Record<string, MethodSpec>;
