/**
 * How the agent implements the contract: one handler per method, typed from methods.ts, grouped in
 * small files per method group (node-methods.ts, metrics-methods.ts, ...).
 */
import type { z } from 'zod';
import type { MethodName, MethodResult, methods } from '../common/contract/methods.js';
import type { Caller } from './caller-key-cache.js';

/** The channel a call came in on: for streams (notifications) and per-channel state. */
export interface RpcChannel {
  /** Unique per channel within the agent. */
  readonly id: string;
  /** The caller as last checked against the directory (a tier lowered since login shows here). */
  readonly caller: Caller;
  /**
   * Checks the caller against the directory's current keys (read at most a few seconds ago): the
   * caller now, or undefined when its key is gone, in which case the connection is closed once the
   * answer is sent. The dispatcher calls it before every call.
   */
  confirmCaller(): Promise<Caller | undefined>;
  /** Sends a notification on this channel (dropped once the channel is closed). */
  notify(method: string, params: unknown): void;
  /** Runs when the channel closes; returns a function that cancels the listener. */
  onClose(listener: () => void): () => void;
}

/** Context of one call. */
export interface MethodContext {
  caller: Caller;
  channel: RpcChannel;
}

/** Params of a method after parsing (defaults applied). */
export type ParsedParams<M extends MethodName> = z.output<(typeof methods)[M]['params']>;

/** Implements one method: gets parsed params, returns a result the dispatcher checks against the contract. */
export type MethodHandler<M extends MethodName> = (
  params: ParsedParams<M>,
  context: MethodContext,
) => Promise<MethodResult<M>> | MethodResult<M>;

/** Every method of the contract, implemented. */
export type MethodHandlers = { [M in MethodName]: MethodHandler<M> };

/**
 * An error a handler throws on purpose; its message is safe to send to the caller
 * (anything else becomes a generic internalError with a reference to the log).
 */
export class MethodError extends Error {
  override readonly name = 'MethodError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}
