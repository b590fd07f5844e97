/** `node.info` and `node.metrics`: who this node is, what it runs, and its latest figures. */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { MethodResult } from '../common/contract/methods.js';
import type { MetricsSampler } from '../metrics/metrics-sampler.js';
import type { ServiceRegistry } from '../services/service-registry.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** Facts about the node that do not come from the service registry. */
export type NodeFacts = Omit<MethodResult<'node.info'>, 'services'>;

/** Handlers of the `node.*` group. */
export function nodeMethods(deps: {
  facts: () => NodeFacts;
  services: ServiceRegistry;
  sampler: MetricsSampler;
}): Pick<MethodHandlers, 'node.info' | 'node.metrics'> {
  return {
    'node.info': () => ({ ...deps.facts(), services: deps.services.list() }),
    'node.metrics': () => {
      const sample = deps.sampler.latest();
      if (!sample) throw new MethodError(rpcErrorCodes.unavailable, 'no metrics sample yet; try again');
      return sample;
    },
  };
}
