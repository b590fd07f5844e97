/**
 * `auth.lockouts` and `auth.unlock`: the password-guessing guard of this node (login-guard.ts) as
 * the helpdesk sees it. A `domain` admin sees and unlocks only login names of their own domains
 * (read from the directory at each call); client addresses are staff business, since one address
 * carries users of every domain.
 */
import { rpcErrorCodes } from '../contract/json-rpc.js';
import type { LoginGuard } from '../mail/auth/login-guard.js';
import { type AdminDomains, callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the auth methods act on. */
export interface AuthMethodDeps {
  guard: LoginGuard;
  adminDomains: AdminDomains;
}

type AuthMethods = Pick<MethodHandlers, 'auth.lockouts' | 'auth.unlock'>;

/** Handlers of the auth group. */
export function authMethods(deps: AuthMethodDeps): AuthMethods {
  return {
    'auth.lockouts': async ({ limit }, { caller }) => {
      const domains = await callerDomains(caller, deps.adminDomains);
      const all = deps.guard.lockouts(domains ? Number.POSITIVE_INFINITY : limit);
      const shown = domains
        ? all
            .filter((lockout) => lockout.kind === 'user' && domains.has(domainOf(lockout.key)))
            .slice(0, limit)
        : all;
      return {
        lockouts: shown.map(({ kind, key, failures, until, locked }) => ({
          kind,
          name: key,
          failures,
          until,
          locked,
        })),
      };
    },
    'auth.unlock': async ({ target }, { caller }) => {
      if ('address' in target) {
        if (caller.kind === 'domain')
          throw new MethodError(
            rpcErrorCodes.forbidden,
            `domain admin ${caller.id} may not unlock a client address: it carries users of every domain`,
          );
        return { unlocked: deps.guard.unlock('address', target.address) };
      }
      const user = target.user.trim().toLowerCase();
      await requireUserInScope(caller, user, deps.adminDomains);
      return { unlocked: deps.guard.unlock('user', user) };
    },
  };
}
