/**
 * `gateway.status` and `spam.statistics` on a gateway node: staff, and a department admin sees the
 * spam figures of mail to its own domains only (filtered here, at each call).
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { RunningGateway } from '../mail/gateway/running-gateway.js';
import { type AdminDomains, callerDomains } from './domain-scope.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the gateway methods read. */
export interface GatewayMethodDeps {
  /** The gateway's parts; undefined on nodes that are not gateways. */
  gateway: () => RunningGateway | undefined;
  /** A department admin's domains, read from the directory at each call. */
  adminDomains: AdminDomains;
}

type GatewayMethods = Pick<MethodHandlers, 'gateway.status' | 'spam.statistics'>;

/** Handlers of the gateway group. */
export function gatewayMethods(deps: GatewayMethodDeps): GatewayMethods {
  const needGateway = (): RunningGateway => {
    const gateway = deps.gateway();
    if (!gateway) throw new MethodError(rpcErrorCodes.notFound, roleGroups.gateway.absent);
    return gateway;
  };
  return {
    'gateway.status': () => {
      const status = needGateway().status();
      if (!status) throw new MethodError(rpcErrorCodes.unavailable, "the gateway's smtp service is stopped");
      return status;
    },
    'spam.statistics': async (_params, { caller }) => {
      const gateway = needGateway();
      return gateway.statistics.snapshot(await callerDomains(caller, deps.adminDomains));
    },
  };
}
