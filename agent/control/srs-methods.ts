/**
 * `srs.secrets` on a director (srs-contract.ts): the access matrix lets only peers call it; of
 * them, only a node the directory names as a gateway gets the secrets, since with them anyone could
 * make SRS addresses that lead mail anywhere.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { NodeRole } from '../common/directory/fleet-entries.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What `srs.secrets` reads. */
export interface SrsMethodDeps {
  /** The director's SRS domain and secrets; undefined while SRS is off. */
  srs: () => { domain: string; secrets: readonly string[] } | undefined;
  /** The role the directory gives a node now. */
  roleOf: (node: string) => Promise<NodeRole | undefined>;
}

/** Handlers of the srs group. */
export function srsMethods(deps: SrsMethodDeps): Pick<MethodHandlers, 'srs.secrets'> {
  return {
    'srs.secrets': async (_params, { caller }) => {
      const role = caller.kind === 'peer' ? await deps.roleOf(caller.id) : undefined;
      if (role !== 'gateway')
        throw new MethodError(
          rpcErrorCodes.forbidden,
          `${caller.id} is not a gateway node: only gateways get the SRS secrets`,
        );
      const srs = deps.srs();
      if (!srs) throw new MethodError(rpcErrorCodes.notFound, 'SRS is off on this director (director.srs)');
      return { domain: srs.domain, secrets: [...srs.secrets] };
    },
  };
}
