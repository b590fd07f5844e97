/**
 * The SSH `password` method of the control server (docs/delegation.md): an admin without a key
 * signs in with the password of its directory entry. The check itself, an LDAP bind with the node's
 * login guard in front, is {@link AdminPasswordCheck}'s; this file is what the SSH server does with
 * its answer at login and again at every call of the session, and what it logs (never the
 * password).
 */
import type ssh2 from 'ssh2';
import type { JsonLogger } from '../common/json-logger.js';
import type { AdminPasswordCheck, PasswordSignIn } from './admin-password-check.js';
import type { Caller } from './caller-key-cache.js';

/** The authentication methods a control server offers. */
export type ControlAuthMethod = 'publickey' | 'password';

/** Password sign-in and re-check for the control server. */
export class SshPasswordSignIn {
  constructor(
    private readonly passwords: AdminPasswordCheck,
    private readonly logger: JsonLogger,
  ) {}

  /**
   * Accepts an admin's password if the directory binds it and the admin has a tier; otherwise
   * rejects, offering `methods` again. `authenticated` is told the caller before the accept.
   */
  async login(
    context: ssh2.PasswordAuthContext,
    ip: string,
    methods: ControlAuthMethod[],
    authenticated: (caller: Caller, password: string) => void,
  ): Promise<void> {
    let outcome: PasswordSignIn;
    try {
      outcome = await this.passwords.signIn(context.username, context.password, ip);
    } catch (error) {
      // The directory did not answer: nobody can be checked, so nobody gets in.
      this.logger.warn('password sign-in could not be checked', {
        ip,
        user: context.username,
        error: String(error),
      });
      return context.reject(methods);
    }
    if ('refused' in outcome) {
      this.logger.warn('refused password sign-in', {
        ip,
        user: context.username,
        reason: outcome.refused,
      });
      return context.reject(methods);
    }
    // Recorded before accept(): ssh2 may emit `ready` from inside accept().
    authenticated(outcome.caller, context.password);
    context.accept();
  }

  /**
   * The password caller now, for a call of an open session: checked against the directory at
   * every call, not against cached keys. Undefined ends the session.
   */
  async confirm(username: string, password: string, ip: string): Promise<Caller | undefined> {
    return this.passwords.confirm(username, password, ip).catch((error: unknown) => {
      // Fails closed: without the directory a password cannot be checked, and a password
      // session has no last-read keys to fall back on; the console signs in again.
      this.logger.warn('password session could not be checked', {
        ip,
        caller: username,
        error: String(error),
      });
      return undefined;
    });
  }
}
