/**
 * Password sign-in of an admin without a key (docs/delegation.md): the SSH `password` method on the
 * control port, checked by an LDAP bind as the admin's entry under `ou=admins`, and checked again
 * at every call of the session (a bind and a fresh read of the entry), so a changed password, a
 * locked or deleted entry or a lowered tier counts from the next call.
 *
 * Wrong passwords go through the node's shared login guard (agent/mail/auth/login-guard.ts: per
 * admin uid and per client address, the curve of every password check of the fleet); each bind is
 * also counted per DN by the directory itself (the embedded server's bind throttle, slapd's
 * ppolicy), so guesses spread over many agents still meet one limit.
 *
 * The password is held in memory for the life of the SSH connection, for those re-checks; it is
 * never logged, never written, and never part of an answer.
 */
import { parseDn } from '../common/directory/distinguished-name.js';
import type { FleetDirectory } from '../common/directory/fleet-directory.js';
import type { LoginGuard } from '../mail/auth/login-guard.js';
import type { Caller } from './caller-key-cache.js';

/** The part of the directory a password check reads. */
export type AdminPasswordSource = Pick<FleetDirectory, 'tree' | 'getAdmin' | 'verifyAdminPassword'>;

/** Outcome of a sign-in: the caller, or why not (for the log; the client hears only "refused"). */
export type PasswordSignIn =
  | { caller: Caller }
  | { refused: 'throttled' | 'malformed' | 'wrong password or unknown admin' | 'no tier' };

// An admin uid as the directory tools write it: no DN syntax, no address, bounded.
const adminUidPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// A password longer than this is not a typo of a real one; refusing it early bounds the bind.
const maxPasswordBytes = 1024;

/** Checks admin passwords against the directory, with the node's login guard. */
export class AdminPasswordCheck {
  constructor(
    private readonly source: AdminPasswordSource,
    private readonly guard: LoginGuard,
  ) {}

  /** A sign-in attempt from `clientAddress`: throttled, then checked by a bind. */
  async signIn(uid: string, password: string, clientAddress: string): Promise<PasswordSignIn> {
    if (!adminUidPattern.test(uid) || password === '' || Buffer.byteLength(password) > maxPasswordBytes) {
      this.guard.failed(throttleKey(uid), clientAddress);
      return { refused: 'malformed' };
    }
    // While throttled even the right password is refused without asking the directory.
    if (this.guard.retryAfterMs(throttleKey(uid), clientAddress) > 0) return { refused: 'throttled' };
    const outcome = await this.check(uid, password);
    if (outcome === 'wrong') {
      this.guard.failed(throttleKey(uid), clientAddress);
      return { refused: 'wrong password or unknown admin' };
    }
    this.guard.succeeded(throttleKey(uid));
    return outcome === 'no tier' ? { refused: 'no tier' } : { caller: outcome };
  }

  /**
   * The caller now, for a call of an open session: the password still binds and the entry still
   * has a tier. Undefined ends the session. A directory that cannot be reached refuses the call
   * (the error propagates): a password session has no last-known state worth trusting.
   */
  async confirm(uid: string, password: string, clientAddress: string): Promise<Caller | undefined> {
    const outcome = await this.check(uid, password);
    if (outcome === 'wrong') {
      this.guard.failed(throttleKey(uid), clientAddress);
      return undefined;
    }
    return outcome === 'no tier' ? undefined : outcome;
  }

  private async check(uid: string, password: string): Promise<Caller | 'wrong' | 'no tier'> {
    if (!(await this.source.verifyAdminPassword(uid, password))) return 'wrong';
    // Read after the bind, so the tier is the one the directory holds now.
    const admin = await this.source.getAdmin(uid);
    // A tier counts only on the entry the bind proved: directly under ou=admins (as for keys,
    // caller-key-cache.ts) and named uid=<uid>, not another entry that also carries this uid value.
    if (!admin || !this.source.tree.isAdminEntry(admin.dn) || !namedBy(admin.dn, uid)) return 'no tier';
    return { kind: admin.tier, id: admin.uid };
  }
}

/** Whether the entry's own RDN is `uid=<uid>`. */
function namedBy(dn: string, uid: string): boolean {
  const [rdn] = parseDn(dn);
  const [part] = rdn ?? [];
  return (
    rdn?.length === 1 && part?.type.toLowerCase() === 'uid' && part.value.toLowerCase() === uid.toLowerCase()
  );
}

/** The guard's key for an admin: its uid (mail logins are addresses, so the two never meet). */
function throttleKey(uid: string): string {
  return uid.toLowerCase();
}
