/** `gateway.status` and `spam.statistics` on a gateway node (staff only, in the contract). */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { RunningGateway } from '../mail/gateway/running-gateway.js';
import { roleGroups } from './method-groups.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the gateway methods read. */
export interface GatewayMethodDeps {
  /** The gateway's parts; undefined on nodes that are not gateways. */
  gateway: () => RunningGateway | undefined;
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
    'spam.statistics': () => needGateway().statistics.snapshot(),
  };
}
