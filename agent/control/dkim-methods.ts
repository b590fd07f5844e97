/**
 * `dkim.records`, `dkim.rotate`, `dkim.activate` on a director (docs/edge.md). A domain admin is
 * limited to its own domains by the dispatcher (the `domain` param, access-matrix.ts); the results
 * carry selectors and public keys only.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import {
  DkimRecordsNotPublished,
  type DomainDkimKeys,
  UnknownMailDomain,
} from '../mail/director/dkim/domain-dkim-keys.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

/** What the DKIM methods use. */
export interface DkimMethodDeps {
  /** The director's keys; undefined when `director.dkim` is not configured. */
  keys: () => DomainDkimKeys | undefined;
}

type DkimMethods = Pick<MethodHandlers, 'dkim.records' | 'dkim.rotate' | 'dkim.activate'>;

/** Handlers of the dkim group. */
export function dkimMethods(deps: DkimMethodDeps): DkimMethods {
  const need = (): DomainDkimKeys => {
    const keys = deps.keys();
    if (!keys)
      throw new MethodError(
        rpcErrorCodes.notFound,
        'DKIM signing is not configured on this director (director.dkim)',
      );
    return keys;
  };
  // The domain's absence and unpublished records are the caller's to fix: said in words.
  const inWords = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      if (error instanceof UnknownMailDomain) throw new MethodError(rpcErrorCodes.notFound, error.message);
      if (error instanceof DkimRecordsNotPublished)
        throw new MethodError(rpcErrorCodes.refused, error.message);
      throw error;
    }
  };
  return {
    'dkim.records': ({ domain }) => inWords(() => need().records(domain)),
    'dkim.rotate': ({ domain }) => inWords(async () => ({ pending: await need().rotate(domain) })),
    'dkim.activate': ({ domain, force }) => inWords(() => need().activate(domain, force)),
  };
}
