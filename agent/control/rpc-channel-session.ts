/**
 * One `mailfleet-rpc` channel on the agent side: splits the bytes into bounded lines, hands each to
 * the dispatcher, writes answers, and carries the channel's notifications. A channel with many
 * calls in flight is paused, so a client flooding requests is slowed instead of buffered.
 */
import type { Duplex } from 'node:stream';
import { maxRpcLineBytes } from '../contract/json-rpc.js';
import type { JsonLogger } from '../daemon/json-logger.js';
import type { Caller } from './caller-key-cache.js';
import type { RpcChannel } from './method-handler.js';
import type { RpcDispatcher } from './rpc-dispatcher.js';
import { RpcLineSplitter } from './rpc-line-splitter.js';

const maxCallsInFlight = 16;
// A client that stops reading must not make the agent queue samples for it without end: past this
// many unsent bytes, notifications are dropped (the sample `seq` shows the gap) while answers still go.
const maxQueuedNotificationBytes = 1024 * 1024;

/** Serves JSON-RPC on one SSH channel. */
export class RpcChannelSession implements RpcChannel {
  private inFlight = 0;
  private closed = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly id: string,
    readonly caller: Caller,
    private readonly stream: Duplex,
    private readonly dispatcher: RpcDispatcher,
    private readonly logger: JsonLogger,
  ) {}

  /** Starts reading the channel. */
  serve(): void {
    const splitter = new RpcLineSplitter(maxRpcLineBytes, {
      line: (text) => void this.handle(text),
      tooLong: (bytes) => this.send(this.dispatcher.lineTooLong(bytes, maxRpcLineBytes)),
    });
    this.stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.stream.on('close', () => this.markClosed());
    this.stream.on('end', () => {
      this.stream.end();
      this.markClosed();
    });
    this.stream.on('error', (error: Error) => {
      this.logger.debug('channel error', { channel: this.id, error: error.message });
      this.markClosed();
    });
  }

  notify(method: string, params: unknown): void {
    if (this.stream.writableLength > maxQueuedNotificationBytes) return;
    this.send({ jsonrpc: '2.0', method, params });
  }

  onClose(listener: () => void): () => void {
    if (this.closed) queueMicrotask(listener);
    else this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Closes the channel from the agent side. */
  close(): void {
    this.stream.end();
    this.markClosed();
  }

  private async handle(text: string): Promise<void> {
    this.inFlight += 1;
    if (this.inFlight >= maxCallsInFlight) this.stream.pause();
    try {
      const answer = await this.dispatcher.dispatch(text, this);
      if (answer) this.send(answer);
    } finally {
      this.inFlight -= 1;
      if (this.inFlight < maxCallsInFlight && !this.closed) this.stream.resume();
    }
  }

  private send(message: unknown): void {
    if (this.closed || !this.stream.writable) return;
    this.stream.write(`${JSON.stringify(message)}\n`);
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) {
      try {
        listener();
      } catch (error) {
        this.logger.error('channel close listener failed', { channel: this.id, error: String(error) });
      }
    }
    this.closeListeners.clear();
  }
}
