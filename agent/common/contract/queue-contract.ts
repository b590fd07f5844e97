/**
 * The director's queue as a node shows it: the summary, the list of queued messages, and holds
 * (by message id, recipient user or logical store) with their release. The administrator's
 * operations on queued mail (bounce, flush, delete, ...) are in queue-admin-contract.ts.
 */
import { z } from 'zod';
import { mailUser } from './mail-user.js';
import type { MethodSpec } from './methods.js';
import { queueFilter, queueListEntry } from './queue-admin-contract.js';

/** A hold on queued mail: by message id, by recipient user, or by logical store. */
export const queueHold = z.union([
  z.object({ messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
  z.object({ user: mailUser }).strict(),
  z.object({ logicalStore: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) }).strict(),
]);
export type QueueHold = z.infer<typeof queueHold>;

/** The director's queue: summary, list, holds. */
export const queueMethods = {
  'queue.summary': {
    params: z.object({}).strict(),
    result: z.object({
      messages: z.number().int().nonnegative(),
      recipients: z.object({
        pending: z.number().int().nonnegative(),
        deferred: z.number().int().nonnegative(),
        held: z.number().int().nonnegative(),
      }),
      destinations: z.record(
        z.string(),
        z.object({ active: z.number().int().nonnegative(), waiting: z.number().int().nonnegative() }),
      ),
      holds: z.array(queueHold),
      /** Messages by age since their 250 (qshape buckets). */
      ages: z.object({
        '<5m': z.number().int().nonnegative(),
        '<1h': z.number().int().nonnegative(),
        '<4h': z.number().int().nonnegative(),
        '<1d': z.number().int().nonnegative(),
        '>=1d': z.number().int().nonnegative(),
      }),
    }),
    audited: false,
    summary: "The director's queue: messages, recipients by state, deliveries per destination, holds, ages.",
  },
  'queue.list': {
    // Filters (sender, recipient, domain, destination, age, last reason, state, held): queue-admin-contract.ts.
    params: queueFilter
      .extend({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict(),
    result: z.object({
      entries: z.array(queueListEntry),
      /** Messages matching (before offset/limit). */
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    }),
    audited: false,
    summary: 'Queued messages, oldest first, with per-recipient state, attempts and last reason.',
  },
  'queue.hold': {
    params: z.object({ hold: queueHold }).strict(),
    result: z.object({ holds: z.array(queueHold) }),
    audited: true,
    summary: 'Hold queued and future mail by message id, recipient user or logical store.',
  },
  'queue.release': {
    params: z.object({ hold: queueHold }).strict(),
    result: z.object({ released: z.boolean(), holds: z.array(queueHold) }),
    audited: true,
    summary: 'Release a hold; the held mail is attempted at once.',
  },
} as const satisfies Record<string, MethodSpec>;
