/**
 * JSON-RPC client for the `mailfleet-rpc` subsystem, over any duplex byte stream (an SSH channel in
 * practice). Typed from the contract: method names, params and results cannot drift from the agent,
 * and every answer is parsed with the method's result schema before the caller sees it.
 */
import type { Duplex } from 'node:stream';
import { parseBoundedJson } from '../contract/bounded-json.js';
import { maxRpcLineBytes, rpcNotification, rpcResponse } from '../contract/json-rpc.js';
import {
  type MethodName,
  type MethodParams,
  type MethodResult,
  methods,
  type NotificationName,
  type NotificationParams,
  notifications,
} from '../contract/methods.js';
import { RpcCallError, RpcClosedError, RpcProtocolError, RpcTimeoutError } from './rpc-errors.js';
import { RpcLineSplitter } from './rpc-line-splitter.js';

/** Options of an RpcClient. */
export interface RpcClientOptions {
  /** Default time to wait for an answer (ms). Default 30 s. */
  callTimeoutMs?: number;
  /** Called for lines that are neither an answer nor a known notification (diagnostics). */
  onProtocolError?: (error: Error) => void;
}

interface PendingCall {
  method: string;
  settle: (error: Error | undefined, result?: unknown) => void;
}

type NotificationListener = (params: unknown) => void;

/** A JSON-RPC client bound to one stream. Close the stream to reject every pending call. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly listeners = new Map<string, Set<NotificationListener>>();
  private readonly closeListeners = new Set<() => void>();
  private closed = false;
  private readonly splitter: RpcLineSplitter;

  constructor(
    private readonly stream: Duplex,
    private readonly options: RpcClientOptions = {},
  ) {
    this.splitter = new RpcLineSplitter(maxRpcLineBytes, {
      line: (text) => this.receive(text),
      tooLong: (bytes) => this.protocolError(`answer line longer than ${maxRpcLineBytes} bytes (${bytes})`),
      notUtf8: () => this.protocolError('answer line is not UTF-8'),
    });
    stream.on('data', (chunk: Buffer | string) =>
      this.splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk),
    );
    stream.on('close', () => this.markClosed());
    stream.on('end', () => this.markClosed());
    stream.on('error', () => this.markClosed());
  }

  /** Whether the stream has closed; calls then fail with RpcClosedError. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls a method and resolves with its result, parsed with the contract's result schema. */
  call<M extends MethodName>(
    method: M,
    params: MethodParams<M>,
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<MethodResult<M>> {
    if (this.closed) return Promise.reject(new RpcClosedError(method));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs ?? this.options.callTimeoutMs ?? 30_000;
    return new Promise<MethodResult<M>>((resolve, reject) => {
      const onAbort = (): void => settle(options.signal?.reason ?? new Error(`${method}: aborted`));
      const timer = setTimeout(() => settle(new RpcTimeoutError(method, timeoutMs)), timeoutMs);
      const settle = (error: Error | undefined, result?: unknown): void => {
        if (!this.pending.delete(id)) return;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (error) {
          reject(error);
          return;
        }
        const parsed = methods[method].result.safeParse(result);
        if (parsed.success) resolve(parsed.data as MethodResult<M>);
        else
          reject(
            new RpcProtocolError(`${method}: answer does not match the contract: ${parsed.error.message}`),
          );
      };
      this.pending.set(id, { method, settle });
      if (options.signal?.aborted) {
        onAbort();
        return;
      }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.stream.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    });
  }

  /**
   * Listens to one notification (e.g. `metrics.sample`); params are parsed with the contract's
   * schema first. Returns a function that removes the listener.
   */
  onNotification<N extends NotificationName>(
    name: N,
    listener: (params: NotificationParams<N>) => void,
  ): () => void {
    const set = this.listeners.get(name) ?? new Set<NotificationListener>();
    this.listeners.set(name, set);
    const wrapped: NotificationListener = (params) => {
      const parsed = notifications[name].safeParse(params);
      if (parsed.success) listener(parsed.data as NotificationParams<N>);
      else this.protocolError(`${name}: notification does not match the contract: ${parsed.error.message}`);
    };
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  /** Runs once when the stream closes. */
  onClose(listener: () => void): () => void {
    if (this.closed) queueMicrotask(listener);
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Ends the stream; pending calls fail with RpcClosedError. */
  close(): void {
    this.stream.end();
    this.markClosed();
  }

  private receive(text: string): void {
    // Bounded: an answer nested thousands deep must not reach code that walks it recursively.
    const parsed = parseBoundedJson(text);
    if (!parsed.ok) {
      this.protocolError(`answer is ${parsed.message}`);
      return;
    }
    const message = parsed.value;
    const response = rpcResponse.safeParse(message);
    if (response.success) {
      const id = response.data.id;
      const call = typeof id === 'number' ? this.pending.get(id) : undefined;
      if (!call) this.protocolError(`answer to unknown call id ${String(id)}`);
      else if ('error' in response.data) {
        const { code, message: why, data } = response.data.error;
        call.settle(new RpcCallError(call.method, code, why, data));
      } else call.settle(undefined, response.data.result);
      return;
    }
    const notification = rpcNotification.safeParse(message);
    if (notification.success) {
      for (const listener of this.listeners.get(notification.data.method) ?? [])
        listener(notification.data.params);
      return;
    }
    this.protocolError('line is neither an answer nor a notification');
  }

  private protocolError(message: string): void {
    this.options.onProtocolError?.(new RpcProtocolError(message));
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const call of [...this.pending.values()]) call.settle(new RpcClosedError(call.method));
    for (const listener of this.closeListeners) listener();
    this.closeListeners.clear();
  }
}
