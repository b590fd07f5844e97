/**
 * The self-service page's session store under a stranger fetching the sign-in page in a loop:
 * the not-signed-in sessions are bounded, and signed-in users are never the ones pushed out.
 */
import { expect, it } from 'vitest';
import { SelfServiceSessions } from '../../../../../agent/mail/director/self-service/self-service-sessions.js';

it('keeps a signed-in session while a stranger opens 25,000 sign-in pages', () => {
  const sessions = new SelfServiceSessions({ now: () => 1_000 }, 60_000);
  const user = { address: 'carol@sci.univ.example', dn: 'uid=carol', password: 'not logged' };
  const signedIn = sessions.signIn(sessions.create(), user);
  const first = sessions.create();
  for (let i = 0; i < 25_000; i++) sessions.create();
  expect(sessions.find(signedIn.id).session?.user?.address).toBe(user.address);
  // The oldest page sessions went first; the newest is still there.
  expect(sessions.find(first.id).session).toBeUndefined();
  expect(sessions.find(sessions.create().id).session).toBeDefined();
});
