/**
 * A store node's mailboxes and mail sessions: the mailbox list and one user's mailbox, the IMAP
 * and POP3 sessions open now, and closing a user's sessions.
 */
import { z } from 'zod';
import { mailUser } from './mail-user.js';
import type { MethodSpec } from './methods.js';

/** One mailbox on a store, as mailbox.list shows it. */
export const mailboxListEntry = z.object({
  user: z.string(),
  sizeBytes: z.number().nonnegative(),
  messages: z.number().int().nonnegative(),
  /** 0 = unlimited. */
  quotaBytes: z.number().nonnegative(),
  /** sizeBytes / quotaBytes in percent, when there is a quota. */
  quotaUsedPercent: z.number().nonnegative().optional(),
  /** ms since the epoch; absent if the user never logged in on this store. */
  lastLoginAt: z.number().optional(),
});
export type MailboxListEntry = z.infer<typeof mailboxListEntry>;

/** One IMAP or POP3 session on a store. */
export const mailSession = z.object({
  id: z.string(),
  protocol: z.enum(['imap', 'pop3']),
  /** Absent before login. */
  user: z.string().optional(),
  clientAddress: z.string(),
  /** ms since the epoch. */
  since: z.number(),
  secure: z.boolean(),
});
export type MailSession = z.infer<typeof mailSession>;

/** A store's mailboxes and sessions. */
export const storeMethods = {
  'mailbox.list': {
    params: z
      .object({
        /** Only addresses starting with this text. */
        prefix: z.string().max(320).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict(),
    result: z.object({
      mailboxes: z.array(mailboxListEntry),
      /** Mailboxes matching (before offset/limit); a domain admin sees only their domains. */
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    }),
    audited: false,
    summary: 'Mailboxes on this store, by address: size, message count, quota use, last login.',
  },
  'mailbox.stats': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({
      user: z.string(),
      /** False when the user has no mailbox here yet (created on first delivery or login). */
      exists: z.boolean(),
      folders: z.array(
        z.object({
          name: z.string(),
          messages: z.number().int().nonnegative(),
          unseen: z.number().int().nonnegative(),
          sizeBytes: z.number().nonnegative(),
        }),
      ),
      quota: z.object({ usedBytes: z.number(), messages: z.number().int(), limitBytes: z.number() }),
      lastLoginAt: z.number().optional(),
    }),
    audited: false,
    summary: "One user's mailbox on this store: folders with counts and sizes, quota.",
  },
  'session.list': {
    params: z.object({ user: mailUser.optional() }).strict(),
    result: z.object({ sessions: z.array(mailSession) }),
    audited: false,
    summary:
      'IMAP and POP3 sessions on this store (a domain admin sees only logged-in users of their domains).',
  },
  'session.kick': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ closed: z.number().int().nonnegative() }),
    audited: true,
    summary: 'Close every IMAP and POP3 session of one user on this store; returns how many were closed.',
  },
} as const satisfies Record<string, MethodSpec>;
