/**
 * `auth.lockouts` and `auth.unlock`: the password-guessing guards of this node as the helpdesk sees
 * them: the mail logins' (login-guard.ts: IMAP, POP3, the proxy, SMTP AUTH) and, on a directory
 * node, the embedded LDAP server's bind throttle (bind-throttle.ts). A user who guessed wrong
 * through the director is often locked in both (each of the director's checks is a bind): the
 * helpdesk lifts both.
 *
 * A `domain` admin sees and unlocks only mail login names of their own domains (read from the
 * directory at each call); client addresses and directory entries are staff business, since one
 * address carries users of every domain and the directory holds the admins too.
 */

import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { LoginLockout } from '../common/contract/methods.js';
import type { BindLockout } from '../directory/embedded/bind-throttle.js';
import type { LoginGuard } from '../mail/auth/login-guard.js';
import { type AdminDomains, callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the auth methods act on. */
export interface AuthMethodDeps {
  guard: LoginGuard;
  /** The embedded directory's bind lockouts now (empty on nodes that run none). */
  directoryLockouts: () => BindLockout[];
  /** Lifts one of them; false when it had none or the node runs no embedded directory. */
  directoryUnlock: (kind: BindLockout['kind'], key: string) => boolean;
  adminDomains: AdminDomains;
  now: () => number;
}

type AuthMethods = Pick<MethodHandlers, 'auth.lockouts' | 'auth.unlock'>;

const byLockThenWait = (a: LoginLockout, b: LoginLockout) =>
  Number(b.locked) - Number(a.locked) || b.until - a.until;

/** Handlers of the auth group. */
export function authMethods(deps: AuthMethodDeps): AuthMethods {
  return {
    'auth.lockouts': async ({ limit }, { caller }) => {
      const domains = await callerDomains(caller, deps.adminDomains);
      const mail: LoginLockout[] = deps.guard
        .lockouts(domains ? Number.POSITIVE_INFINITY : limit)
        .map(({ kind, key, failures, until, locked }) => ({
          service: 'mail',
          kind,
          name: key,
          failures,
          until,
          locked,
        }));
      if (domains) {
        const own = mail.filter((l) => l.kind === 'user' && domains.has(domainOf(l.name)));
        return { lockouts: own.slice(0, limit) };
      }
      const now = deps.now();
      const binds: LoginLockout[] = deps.directoryLockouts().map((lockout) => ({
        service: 'directory',
        kind: lockout.kind,
        name: lockout.key,
        failures: lockout.failures,
        until: now + lockout.retryAfterMs,
        locked: lockout.locked,
      }));
      return { lockouts: [...mail, ...binds].sort(byLockThenWait).slice(0, limit) };
    },
    'auth.unlock': async ({ service, target }, { caller }) => {
      if ('address' in target || 'dn' in target || service === 'directory') {
        if (caller.kind === 'domain')
          throw new MethodError(
            rpcErrorCodes.forbidden,
            `domain admin ${caller.id} may unlock only mail users of their domains, not client addresses or directory entries`,
          );
      }
      if ('dn' in target) return { unlocked: deps.directoryUnlock('dn', target.dn) };
      if ('address' in target) {
        return {
          unlocked:
            service === 'directory'
              ? deps.directoryUnlock('address', target.address)
              : deps.guard.unlock('address', target.address),
        };
      }
      if (service === 'directory')
        throw new MethodError(
          rpcErrorCodes.invalidParams,
          'the directory locks entries by DN: give target.dn',
        );
      const user = target.user.trim().toLowerCase();
      await requireUserInScope(caller, user, deps.adminDomains);
      return { unlocked: deps.guard.unlock('user', user) };
    },
  };
}
