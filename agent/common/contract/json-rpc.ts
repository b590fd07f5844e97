/**
 * JSON-RPC 2.0 framing for the `mailfleet-rpc` SSH subsystem: one JSON object per line (`\n`).
 * Both ends parse every line as `unknown` with these schemas before acting on it.
 */
import { z } from 'zod';

/** SSH subsystem name the agent serves and the console asks for. */
export const rpcSubsystem = 'mailfleet-rpc';

/**
 * Longest line either side accepts, in bytes. A line longer than this is answered with an error
 * and discarded without being buffered whole, so one client cannot make the agent hold gigabytes.
 */
export const maxRpcLineBytes = 1024 * 1024;

/** Standard JSON-RPC error codes, plus ours in the implementation-defined range. */
export const rpcErrorCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** The caller's tier may not call this method. */
  forbidden: -32001,
  /** The line was longer than maxRpcLineBytes. */
  lineTooLong: -32002,
  /** The service or resource named does not exist on this node. */
  notFound: -32004,
  /** The node is busy or shutting down; try again. */
  unavailable: -32005,
  /**
   * Well formed, and refused by the node's rules (a mailbox move to the store the user is on, a
   * user already being moved): the message says why, `data` may list each reason.
   */
  refused: -32006,
} as const;

/** A request id: a short string or a safe integer (null ids are not accepted). */
export const rpcId = z.union([z.string().max(200), z.number().int()]);
const id = rpcId;

/** A request (with id) or a notification (without). */
export const rpcRequest = z.object({
  jsonrpc: z.literal('2.0'),
  id: id.optional(),
  method: z.string().min(1).max(200),
  params: z.unknown().optional(),
});
export type RpcRequest = z.infer<typeof rpcRequest>;

export const rpcError = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type RpcError = z.infer<typeof rpcError>;

/** A response: exactly one of result or error. */
export const rpcResponse = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: id.nullable(), result: z.unknown() }),
  z.object({ jsonrpc: z.literal('2.0'), id: id.nullable(), error: rpcError }),
]);
export type RpcResponse = z.infer<typeof rpcResponse>;

/** A server-to-client notification (streams such as metrics samples). */
export const rpcNotification = z.object({
  jsonrpc: z.literal('2.0'),
  method: z.string(),
  params: z.unknown(),
});
export type RpcNotification = z.infer<typeof rpcNotification>;
