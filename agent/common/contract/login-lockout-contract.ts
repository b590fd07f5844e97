/**
 * Password checks that must wait: the login names, directory entries and client addresses a node
 * throttles or locks now (`auth.lockouts`), and forgetting their failures (`auth.unlock`).
 */
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

/**
 * A login name, directory entry or client address whose password checks must wait now: the mail
 * logins' guard (login-guard.ts) or the embedded directory's bind throttle (bind-throttle.ts).
 */
export const loginLockout = z.object({
  /** `mail`: IMAP, POP3, SMTP AUTH; `directory`: binds to the embedded LDAP server. */
  service: z.enum(['mail', 'directory']),
  kind: z.enum(['user', 'dn', 'address']),
  /**
   * `user`: the login name as clients typed it (lower case); `dn`: the entry's DN as the client
   * wrote it; `address`: the client's IP address.
   */
  name: z.string(),
  /** Failed checks in the throttle's window (15 min). */
  failures: z.number().int().nonnegative(),
  /** ms since the epoch: when the next attempt may succeed. */
  until: z.number(),
  /** True for a lock (10 failures of a user, 30 of an address), false for a growing delay. */
  locked: z.boolean(),
});
export type LoginLockout = z.infer<typeof loginLockout>;

/** Throttled and locked password checks. */
export const loginLockoutMethods = {
  'auth.lockouts': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(500) }).strict(),
    result: z.object({ lockouts: z.array(loginLockout) }),
    audited: false,
    summary:
      "Login names and client addresses whose password checks on this node are throttled or locked now, locked first (a domain admin sees only their domains' users).",
  },
  'auth.unlock': {
    params: z
      .object({
        /** Whose checks: the mail logins' (default) or the embedded directory's binds. */
        service: z.enum(['mail', 'directory']).default('mail'),
        target: z.union([
          z.object({ user: z.string().min(1).max(320) }).strict(),
          z.object({ dn: z.string().min(3).max(1024) }).strict(),
          z.object({ address: z.string().min(2).max(64) }).strict(),
        ]),
      })
      .strict(),
    result: z.object({ unlocked: z.boolean() }),
    audited: true,
    summary:
      "Forget the failed password checks of a login name or client address (mail: IMAP, POP3, SMTP AUTH), or of a directory entry or client address (the embedded directory's binds), on this node. Domain admins: their domains' mail users only.",
  },
} as const satisfies Record<string, MethodSpec>;
