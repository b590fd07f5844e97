/**
 * The sign-in session as the page follows it (issue 15, docs/delegation.md): reads who is using
 * the console, signs in and out, tells main the person is at the keyboard (the idle sign-out counts
 * from there, not from the views' own refreshes), and notices main ending the session (idle, the
 * password refused by an agent).
 *
 * Signing in and out reloads the page: every store starts empty, so nothing one person saw stays
 * in memory for the next, and the password typed is gone with the old page.
 */
import type { ConsoleApi, SessionState } from '../../../main/console/console-contract';
import type { useSessionStore } from '../store/session/session-store';

type SessionStoreApi = Pick<typeof useSessionStore, 'getState'>;

/** How often a signed-in page asks whether main ended the session. */
const followMs = 5_000;
/** At most one "still here" per this much time. */
const touchEveryMs = 20_000;

/** The answer of a sign-in: nothing (the page reloads) or the refusal in words. */
export type SignInOutcome = { ok: true } | { ok: false; message: { en: string; ja: string } };

/** Reads the session into the store; once signed in, follows it and reports activity. */
export async function startSession(api: ConsoleApi, store: SessionStoreApi): Promise<SessionState> {
  const session = await api.session.state({});
  store.getState().showSession(session);
  if (session.state === 'signed-in') followSession(api, store);
  return session;
}

function followSession(api: ConsoleApi, store: SessionStoreApi): void {
  let touchedAt = 0;
  const touch = () => {
    const now = Date.now();
    if (now - touchedAt < touchEveryMs) return;
    touchedAt = now;
    void api.session.touch({}).catch(() => {});
  };
  for (const event of ['keydown', 'pointerdown', 'wheel'] as const) {
    window.addEventListener(event, touch, { passive: true, capture: true });
  }
  const timer = setInterval(() => {
    void api.session
      .state({})
      .then((now) => {
        if (now.state !== 'signed-in') {
          clearInterval(timer);
          store.getState().showSession(now);
          window.location.reload();
        }
      })
      .catch(() => {});
  }, followMs);
}

/** Signs in; on success the page reloads as the signed-in admin. */
export async function signIn(api: ConsoleApi, uid: string, password: string): Promise<SignInOutcome> {
  const answer = await api.session.signIn({ uid, password });
  if (!answer.ok) return answer;
  window.location.reload();
  return { ok: true };
}

/** Signs out and reloads on the sign-in page. */
export async function signOut(api: ConsoleApi): Promise<void> {
  await api.session.signOut({}).catch(() => {});
  window.location.reload();
}
