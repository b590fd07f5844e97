/**
 * The director's IMAP/POP3 proxy: the sessions it relays and to which store, closing a user's
 * sessions, and holding a user's logins until released.
 */
import { z } from 'zod';
import { mailUser } from './mail-user.js';
import type { MethodSpec } from './methods.js';

/** One session relayed by the director's IMAP/POP3 proxy. */
export const proxySession = z.object({
  /** Unique on this director: `imap-3`, `pop3-1`. */
  id: z.string(),
  protocol: z.enum(['imap', 'pop3']),
  user: z.string(),
  clientAddress: z.string(),
  /** The store node the session is relayed to. */
  storeNode: z.string(),
  /** ms since the epoch. */
  since: z.number(),
});
export type ProxySession = z.infer<typeof proxySession>;

/** The director's IMAP/POP3 proxy. */
export const proxyMethods = {
  'proxy.sessions': {
    params: z.object({ user: mailUser.optional() }).strict(),
    result: z.object({ sessions: z.array(proxySession) }),
    audited: false,
    summary:
      "Sessions the director's IMAP/POP3 proxy relays, and to which store (a domain admin sees only their domains).",
  },
  'proxy.kick': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ closed: z.number().int().nonnegative() }),
    audited: true,
    summary: "Close one user's proxied IMAP and POP3 sessions on the director; returns how many.",
  },
  'proxy.hold': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ held: z.array(z.string()) }),
    audited: true,
    summary:
      "Refuse one user's proxy logins (NO [UNAVAILABLE] / -ERR [IN-USE]) until released; sessions stay (kick them).",
  },
  'proxy.release': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ released: z.boolean(), held: z.array(z.string()) }),
    audited: true,
    summary: "Let a held user log in through the director's proxy again.",
  },
} as const satisfies Record<string, MethodSpec>;
