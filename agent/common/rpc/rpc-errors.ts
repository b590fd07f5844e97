/**
 * Errors a control-plane client sees. Each is its own class so callers (the console core, peer
 * agents) can tell an impersonation attempt from a refused call from a dead link.
 */
import { rpcErrorCodes } from '../contract/json-rpc.js';

/** Name of a JSON-RPC error code, or undefined for codes outside the contract. */
export type RpcErrorName = keyof typeof rpcErrorCodes;

/** The agent answered with a JSON-RPC error (forbidden, invalidParams, notFound...). */
export class RpcCallError extends Error {
  override readonly name = 'RpcCallError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  /** The contract's name for this error code, e.g. `forbidden`. */
  get codeName(): RpcErrorName | undefined {
    const entry = Object.entries(rpcErrorCodes).find(([, value]) => value === this.code);
    return entry?.[0] as RpcErrorName | undefined;
  }
}

/** No answer within the call's timeout. The call may still have run on the agent. */
export class RpcTimeoutError extends Error {
  override readonly name = 'RpcTimeoutError';
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${method}: no answer within ${timeoutMs} ms`);
  }
}

/** The connection closed before the answer came. The call may or may not have run. */
export class RpcClosedError extends Error {
  override readonly name = 'RpcClosedError';
  constructor(readonly method: string) {
    super(`${method}: connection closed before the answer`);
  }
}

/** The agent answered with something that does not match the contract. */
export class RpcProtocolError extends Error {
  override readonly name = 'RpcProtocolError';
}

/**
 * The node offered a host key that is not the one pinned from the directory: possibly someone
 * impersonating the node. The connection is refused before any credential is sent.
 */
export class HostKeyMismatchError extends Error {
  override readonly name = 'HostKeyMismatchError';
  constructor(
    readonly host: string,
    readonly port: number,
    /** SHA256 fingerprint of the key the node offered. */
    readonly offeredFingerprint: string,
    /** SHA256 fingerprints of the pinned keys. */
    readonly pinnedFingerprints: string[],
  ) {
    super(
      `host key of ${host}:${port} does not match the pinned key (possible impersonation): ` +
        `offered ${offeredFingerprint}, pinned ${pinnedFingerprints.join(', ') || 'none'}`,
    );
  }
}
