/**
 * `mail.trace`: where a message went on this node (a gateway or a director), step by step, found
 * by an address (sender or recipient) or a Message-ID. The console merges every director's and
 * gateway's answer into the Mail Trace view. Each step names one recipient, so a domain admin's
 * answer keeps only the steps of mail to its own domains (the handler filters; the access matrix
 * says `own-domains`).
 */
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

/** What happened at one step. */
export const mailTraceStepKinds = [
  // gateway
  'greylisted',
  'refused-unknown-user',
  'refused-forged-sender',
  'refused-virus',
  'refused-spam',
  'relayed',
  // director
  'received',
  'deferred',
  'delivered',
  'bounced',
] as const;
/** What happened at one step. */
export type MailTraceStepKind = (typeof mailTraceStepKinds)[number];

/** One step of one recipient's way. */
export const mailTraceStep = z.object({
  at: z.number(),
  kind: z.enum(mailTraceStepKinds),
  sender: z.string(),
  recipient: z.string(),
  /** The Message-ID header (without angle brackets), when this node read the message. */
  messageId: z.string().optional(),
  /** The director's queue id. */
  queueId: z.string().optional(),
  /** Where delivery went or was tried (`lmtp:store03`, `smtp:example.com`). */
  destination: z.string().optional(),
  /** The reply or the reason, as the node has it (technical words). */
  reason: z.string().optional(),
  /** Deferred: when the next try is due (ms since the epoch). */
  nextAttemptAt: z.number().optional(),
  /** Relayed: whether the content was scanned (false: content scanning is not configured). */
  scanned: z.boolean().optional(),
  /** The sending client's address, where the node saw one. */
  client: z.string().optional(),
});
/** One step of one recipient's way. */
export type MailTraceStep = z.infer<typeof mailTraceStep>;

export const mailTraceMethods = {
  'mail.trace': {
    params: z
      .object({
        /** A sender's or recipient's address contains this text (case-insensitive). */
        address: z.string().min(3).max(320).optional(),
        /** The Message-ID, with or without angle brackets. */
        messageId: z.string().min(3).max(998).optional(),
        /** Steps of these sender/recipient pairs too (the console's second look at gateways). */
        pairs: z
          .array(z.object({ sender: z.string().max(320), recipient: z.string().max(320) }))
          .max(100)
          .optional(),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict()
      .refine((p) => p.address !== undefined || p.messageId !== undefined || p.pairs !== undefined, {
        message: 'name an address, a Message-ID or sender/recipient pairs',
      }),
    result: z.object({
      /** Oldest first. */
      steps: z.array(mailTraceStep),
      /** More steps matched than `limit`: the newest are returned. */
      truncated: z.boolean(),
      /** The oldest step this node still remembers (it keeps a bounded number). */
      since: z.number().optional(),
    }),
    audited: false,
    summary: 'Where mail went on this node, by address or Message-ID (a gateway or a director).',
  },
} as const satisfies Record<string, MethodSpec>;
