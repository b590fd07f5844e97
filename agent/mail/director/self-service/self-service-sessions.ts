/**
 * Sessions of the self-service page, in memory only: a random id in a Secure, HttpOnly,
 * SameSite=Strict cookie, a CSRF token per session, and an idle end (default 30 minutes). The
 * signed-in user's password stays here (never logged, never sent back) so that each change is
 * written with the user's own bind: the directory's access rules decide what the user may write.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../../../common/clock.js';

/** One browser's session. */
export interface SelfServiceSession {
  id: string;
  csrf: string;
  lastUsedAt: number;
  /** Set once signed in. */
  user?: { address: string; dn: string; password: string };
}

// Sign-in pages fetched by anyone: a bound on memory, oldest dropped first. Only sessions not
// signed in count against it, so a stranger fetching the page in a loop cannot push signed-in
// users out.
const maxSessionsNotSignedIn = 20_000;

/** The session store. */
export class SelfServiceSessions {
  private readonly sessions = new Map<string, SelfServiceSession>();
  /** Ids of the sessions not signed in, oldest first. */
  private readonly notSignedIn = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly idleMs: number,
  ) {}

  /**
   * The session of a cookie value. `expired` is true when it existed but ended from idleness
   * (then it is gone, and the caller says so in words).
   */
  find(id: string | undefined): { session?: SelfServiceSession; expired: boolean } {
    if (!id) return { expired: false };
    const session = this.sessions.get(id);
    if (!session) return { expired: false };
    const now = this.clock.now();
    if (now - session.lastUsedAt >= this.idleMs) {
      this.end(id);
      return { expired: session.user !== undefined };
    }
    session.lastUsedAt = now;
    return { session, expired: false };
  }

  /** A new session (not signed in). */
  create(): SelfServiceSession {
    for (const oldest of this.notSignedIn) {
      if (this.notSignedIn.size < maxSessionsNotSignedIn) break;
      this.end(oldest);
    }
    const session = { id: token(), csrf: token(), lastUsedAt: this.clock.now() };
    this.sessions.set(session.id, session);
    this.notSignedIn.add(session.id);
    return session;
  }

  /** Signs a session in under a new id (no fixation: an id seen before sign-in is not the signed-in one). */
  signIn(session: SelfServiceSession, user: NonNullable<SelfServiceSession['user']>): SelfServiceSession {
    this.end(session.id);
    const signedIn = { id: token(), csrf: token(), lastUsedAt: this.clock.now(), user };
    this.sessions.set(signedIn.id, signedIn);
    return signedIn;
  }

  /** Ends a session. */
  end(id: string): void {
    this.sessions.delete(id);
    this.notSignedIn.delete(id);
  }

  /** Ends every session of a user (after a password change elsewhere, or a sign-out everywhere). */
  endUser(address: string, except?: string): void {
    for (const [id, session] of this.sessions)
      if (session.user?.address === address && id !== except) this.sessions.delete(id);
  }
}

/** Whether a form's token is the session's, compared in constant time. */
export function csrfMatches(session: SelfServiceSession, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function token(): string {
  return randomBytes(32).toString('base64url');
}
