/**
 * `proxy.sessions`, `proxy.kick`, `proxy.hold` and `proxy.release` on the director's IMAP/POP3
 * proxies, and the proxy's part of `route.invalidate`.
 *
 * Authorization beyond the tier check of the dispatcher, as for the store's session methods: a
 * `domain` admin sees and kicks only users of their delegated domains (enforced here, in the agent).
 * Holds are a cutover tool and staff-only in the contract.
 */
import { rpcErrorCodes } from '../contract/json-rpc.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import { type AdminDomains, callerDomains, domainOf, requireUserInScope } from './domain-scope.js';
import { MethodError, type MethodHandler, type MethodHandlers } from './method-handler.js';

/** What the proxy methods act on. */
export interface ProxyMethodDeps {
  /** The director's proxies; undefined on nodes that run none. */
  proxies: () => DirectorProxies | undefined;
  adminDomains: AdminDomains;
}

type ProxyMethods = Pick<MethodHandlers, 'proxy.sessions' | 'proxy.kick' | 'proxy.hold' | 'proxy.release'>;

/** Handlers of the proxy group. */
export function proxyMethods(deps: ProxyMethodDeps): ProxyMethods {
  const needProxies = (): DirectorProxies => {
    const proxies = deps.proxies();
    if (!proxies) throw new MethodError(rpcErrorCodes.notFound, 'this node runs no IMAP/POP3 proxy');
    return proxies;
  };
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
      const address = user.toLowerCase();
      await requireUserInScope(caller, address, deps.adminDomains);
      return { closed: needProxies().kick(address) };
    },
    'proxy.hold': ({ user }) => {
      const proxies = needProxies();
      proxies.hold(user);
      return { held: proxies.heldUsers() };
    },
    'proxy.release': ({ user }) => {
      const proxies = needProxies();
      const released = proxies.release(user);
      return { released, held: proxies.heldUsers() };
    },
  };
}

/**
 * `route.invalidate` that also drops the proxy's cached store list and server entries, so after a
 * failover or a store move the next proxy login goes to the new node. On a director without mail
 * routing but with a proxy, the proxy's cache alone is dropped.
 */
export function invalidatingProxyCache(
  routeInvalidate: MethodHandler<'route.invalidate'>,
  proxies: () => DirectorProxies | undefined,
): MethodHandler<'route.invalidate'> {
  return async (params, context) => {
    const proxy = proxies();
    proxy?.invalidate();
    try {
      return await routeInvalidate(params, context);
    } catch (error) {
      if (proxy && error instanceof MethodError && error.code === rpcErrorCodes.notFound)
        return { invalidated: true as const };
      throw error;
    }
  };
}
