/**
 * A console call that failed, with a category the renderer turns into words, and the mapping from
 * the errors main/core and the agent raise to those categories.
 */
import { RpcCallError, RpcClosedError, RpcTimeoutError } from '../../agent/common/rpc/rpc-errors.js';
import type { ConsoleErrorCode } from './console-contract.js';

/** A refused or failed console call. */
export class ConsoleCallError extends Error {
  override readonly name = 'ConsoleCallError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The console's category for any error a call raised. */
export function consoleErrorOf(error: unknown): { code: ConsoleErrorCode; message: string } {
  if (error instanceof ConsoleCallError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RpcCallError) {
    switch (error.codeName) {
      case 'forbidden':
        return { code: 'forbidden', message };
      case 'notFound':
        return { code: 'not-found', message };
      case 'invalidParams':
        return { code: 'bad-request', message };
      case 'unavailable':
        return { code: 'unavailable', message };
      case 'refused':
        return { code: 'refused', message };
      default:
        return { code: 'failed', message };
    }
  }
  if (error instanceof RpcTimeoutError || error instanceof RpcClosedError)
    return { code: 'unavailable', message };
  // NodeLink says so when the node is down; the call never left the console.
  if (/is not connected/.test(message)) return { code: 'unavailable', message };
  return { code: 'failed', message };
}
