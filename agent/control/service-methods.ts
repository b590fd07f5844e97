/** `service.list` and `service.restart`, on the agent's service registry. */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import { type ServiceRegistry, UnknownServiceError } from '../services/service-registry.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** Handlers of the `service.*` group. */
export function serviceMethods(deps: {
  services: ServiceRegistry;
}): Pick<MethodHandlers, 'service.list' | 'service.restart'> {
  return {
    'service.list': () => ({ services: deps.services.list() }),
    'service.restart': async ({ service }) => {
      if (!deps.services.has(service))
        throw new MethodError(rpcErrorCodes.notFound, new UnknownServiceError(service).message);
      try {
        return { service: await deps.services.restart(service) };
      } catch (error) {
        // The service's own failure text is what the admin needs, and it holds no caller input.
        const why = error instanceof Error ? error.message : String(error);
        throw new MethodError(rpcErrorCodes.internalError, `restart of ${service} failed: ${why}`);
      }
    },
  };
}
