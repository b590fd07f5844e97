/**
 * `proxy.sessions`, `proxy.kick`, `proxy.hold` and `proxy.release` on the director's IMAP/POP3
 * proxies (their part of `route.invalidate` is in route-methods.ts).
 *
 * Authorization beyond the dispatcher's (access-matrix.ts), as for the store's session methods: a
 * `domain` admin sees and kicks only users of their delegated domains; the dispatcher has checked
 * the address given, the user it resolves to is checked here. Holds are a cutover tool and
 * staff-only in the matrix.
 *
 * The proxies know users by primary address (what a login resolves to), so an address given here
 * is looked up first: holding or kicking `a.smith@...` acts on alice's primary address.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import { type AdminDomains, callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the proxy methods act on. */
export interface ProxyMethodDeps {
  /** The director's proxies; undefined on nodes that run none. */
  proxies: () => DirectorProxies | undefined;
  adminDomains: AdminDomains;
  /** The primary address of the user with this address (mail or mailLocalAddress), if any. */
  primaryAddress: (address: string) => Promise<string | undefined>;
}

type ProxyMethods = Pick<MethodHandlers, 'proxy.sessions' | 'proxy.kick' | 'proxy.hold' | 'proxy.release'>;

/** Handlers of the proxy group. */
export function proxyMethods(deps: ProxyMethodDeps): ProxyMethods {
  const needProxies = (): DirectorProxies => {
    const proxies = deps.proxies();
    if (!proxies) throw new MethodError(rpcErrorCodes.notFound, roleGroups.proxy.absent);
    return proxies;
  };
  const primary = async (user: string): Promise<string> =>
    (await deps.primaryAddress(user.toLowerCase()))?.toLowerCase() ?? user.toLowerCase();
  return {
    'proxy.sessions': async ({ user }, { caller }) => {
      const proxies = needProxies();
      const domains = await callerDomains(caller, deps.adminDomains);
      const sessions = proxies
        .sessions(user)
        .filter((session) => !domains || domains.has(domainOf(session.user)));
      return { sessions };
    },
    'proxy.kick': async ({ user }, { caller }) => {
      const proxies = needProxies();
      const address = await primary(user);
      // The primary address may be in another domain than the one given: check that one too.
      await requireUserInScope(caller, address, deps.adminDomains);
      return { closed: proxies.kick(address) };
    },
    'proxy.hold': async ({ user }) => {
      const proxies = needProxies();
      const address = await deps.primaryAddress(user.toLowerCase());
      // A hold on an address nobody has would hold nothing: say so rather than pretend.
      if (!address) throw new MethodError(rpcErrorCodes.notFound, `no user has the address ${user}`);
      proxies.hold(address);
      return { held: proxies.heldUsers() };
    },
    'proxy.release': async ({ user }) => {
      const proxies = needProxies();
      // A user deleted while held can still be released by the address that was held.
      const released = proxies.release(await primary(user)) || proxies.release(user);
      return { released, held: proxies.heldUsers() };
    },
  };
}
