/**
 * The sign-in calls of the console contract (`session.*`, issue 15): who is using the console, and
 * for a console opened without a key (docs/delegation.md) signing in with a directory user name
 * and password, signing out, and telling main the person is still at the keyboard (idle sign-out
 * counts from the last of these, not from the page's own polling).
 *
 * The password comes in with `session.signIn` and goes no further than the console core's sign-in
 * (main/core/password-sign-in.ts): it is in no result, event or log line.
 */
import { z } from 'zod';

/** Why the console shows the sign-in page. */
export const signedOutReasons = ['signed-out', 'idle', 'password-refused'] as const;
export type SignedOutReason = (typeof signedOutReasons)[number];

/** Who signed in, as the page needs it to show only what the tier may see. */
const signedInAdminSchema = z.object({
  uid: z.string(),
  displayName: z.string(),
  tier: z.enum(['system', 'helpdesk', 'domain']),
  domains: z.array(z.string()),
});

/** Who is using the console now. */
export const sessionStateSchema = z.discriminatedUnion('state', [
  /** A console opened with a fleet profile key: the agents and the directory decide per call. */
  z.object({ state: z.literal('key') }),
  z.object({ state: z.literal('signed-in'), admin: signedInAdminSchema, idleMinutes: z.number() }),
  /** The sign-in page; `reason` says why it came back (none at the first start). */
  z.object({
    state: z.literal('signed-out'),
    reason: z.enum(signedOutReasons).nullable(),
    /** The idle time-out, for the page to say after an idle sign-out. */
    idleMinutes: z.number(),
  }),
]);
/** Who is using the console now. */
export type SessionState = z.infer<typeof sessionStateSchema>;

/** A sign-in's answer: the new state, or the refusal in words. */
const signInAnswerSchema = z.union([
  z.object({ ok: z.literal(true), session: sessionStateSchema }),
  z.object({ ok: z.literal(false), message: z.object({ en: z.string(), ja: z.string() }) }),
]);
/** A sign-in's answer. */
export type SignInAnswer = z.infer<typeof signInAnswerSchema>;

const empty = z.object({}).strict();

/** Every `session.*` call, merged into `consoleCalls`. */
export const sessionConsoleCalls = {
  'session.state': {
    params: empty,
    result: sessionStateSchema,
    summary: 'Who is using the console: a key profile, a signed-in admin (tier, domains), or nobody and why.',
  },
  'session.signIn': {
    params: z
      .object({
        uid: z.string().min(1).max(64),
        // Never stored, never logged, never answered: it goes to the directory bind and the agents.
        password: z.string().min(1).max(1024),
      })
      .strict(),
    result: signInAnswerSchema,
    summary: 'Sign in with a directory user name and password (a console opened without a key).',
  },
  'session.signOut': {
    params: empty,
    result: sessionStateSchema,
    summary: 'Sign out: the fleet links close and the password is dropped.',
  },
  'session.touch': {
    params: empty,
    result: z.object({ ok: z.literal(true) }),
    summary: 'The person used the page (a key or a click): the idle time starts again.',
  },
} as const;
