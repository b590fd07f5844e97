/**
 * One `mailfleet-rpc` channel on the agent side: splits the bytes into bounded lines, hands each to
 * the dispatcher, writes answers, and carries the channel's notifications. A channel with many
 * calls in flight is paused, so a client flooding requests is slowed instead of buffered.
 */
import type { Duplex } from 'node:stream';
import { maxRpcLineBytes } from '../common/contract/json-rpc.js';
import type { JsonLogger } from '../common/json-logger.js';
import { RpcLineSplitter } from '../common/rpc/rpc-line-splitter.js';
import type { Caller } from './caller-key-cache.js';
import type { RpcChannel } from './method-handler.js';
import type { RpcDispatcher } from './rpc-dispatcher.js';

const maxCallsInFlight = 16;
// A client that stops reading must not make the agent queue samples for it without end: past this
// many unsent bytes, notifications are dropped (the sample `seq` shows the gap) while answers still go.
const maxQueuedNotificationBytes = 1024 * 1024;

/** The SSH connection's caller, as the control server keeps it checked against the directory. */
export interface SessionCaller {
  /** The caller as last checked. */
  readonly current: Caller;
  /** Checks again (keys read at most a few seconds ago); undefined once the key is gone. */
  confirm(): Promise<Caller | undefined>;
  /** Ends the SSH connection (a caller whose key is gone, once its answer is sent). */
  disconnect(): void;
}

/** Serves JSON-RPC on one SSH channel. */
export class RpcChannelSession implements RpcChannel {
  private inFlight = 0;
  private closed = false;
  private revoked = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(
    readonly id: string,
    private readonly sessionCaller: SessionCaller,
    private readonly stream: Duplex,
    private readonly dispatcher: RpcDispatcher,
    private readonly logger: JsonLogger,
    /** Told when handling a line failed outside the dispatcher's own error handling (a metric). */
    private readonly onFailure: () => void = () => {},
  ) {}

  get caller(): Caller {
    return this.sessionCaller.current;
  }

  async confirmCaller(): Promise<Caller | undefined> {
    const caller = await this.sessionCaller.confirm();
    if (!caller) this.revoked = true;
    return caller;
  }

  /** Starts reading the channel. */
  serve(): void {
    const splitter = new RpcLineSplitter(maxRpcLineBytes, {
      line: (text) => {
        this.handle(text).catch((error: unknown) => {
          // The dispatcher answers every failure itself; reaching here is a bug, logged and counted.
          this.onFailure();
          this.logger.error('rpc line handling failed', { channel: this.id, error: String(error) });
        });
      },
      tooLong: (bytes) => this.send(this.dispatcher.lineTooLong(bytes, maxRpcLineBytes)),
      notUtf8: () => this.send(this.dispatcher.notUtf8()),
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
      if (this.revoked) this.sessionCaller.disconnect();
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
