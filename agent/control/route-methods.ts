/**
 * `route.invalidate` on a director: drops the recipient router's cached lookups and the proxy's
 * cached store list and server entries, so after a failover or a store move the next delivery and
 * the next proxy login go to the new node. A director that runs only one of them drops that one.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { RecipientRouter } from '../mail/director/inbound/recipient-router.js';
import type { DirectorProxies } from '../mail/proxy/director-proxies.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What route.invalidate drops. */
export interface RouteMethodDeps {
  /** The node's recipient routing; undefined when it routes no mail. */
  router: () => RecipientRouter | undefined;
  /** The node's IMAP/POP3 proxies; undefined when it runs none. */
  proxies: () => DirectorProxies | undefined;
}

/** Handlers of the route group. */
export function routeMethods(deps: RouteMethodDeps): Pick<MethodHandlers, 'route.invalidate'> {
  return {
    'route.invalidate': ({ target }) => {
      const router = deps.router();
      const proxies = deps.proxies();
      if (!router && !proxies) throw new MethodError(rpcErrorCodes.notFound, roleGroups.route.absent);
      proxies?.invalidate();
      router?.invalidate(target);
      return { invalidated: true as const };
    },
  };
}
