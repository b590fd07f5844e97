/**
 * The console API in browser mode: calls and pushed events over the bridge's WebSocket, on the
 * page's own host, with the session cookie the bridge gave this browser. The verbs are built on demand from their
 * names (`api.queue.hold(...)` sends call `queue.hold`); main checks every name and payload.
 * A lost connection is retried every 2 s; calls made meanwhile fail as `unavailable`.
 */
import type { ConsoleApi, ConsoleEventPayload, ConsoleReply } from '../../../main/console/console-contract';
import { ConsoleLinkLost, unwrapReply } from './console-error';

type SnapshotListener = (snapshot: ConsoleEventPayload<'fleet.snapshot'>) => void;
type ProgressListener = (progress: ConsoleEventPayload<'move.progress'>) => void;

/** Connection state, for the page's banner. */
export type LinkState = 'connecting' | 'open' | 'closed';

/** A WebSocket link to the console bridge. */
export class WebSocketConsoleLink {
  private socket: WebSocket | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ConsoleReply) => void }>();
  private readonly snapshotListeners = new Set<SnapshotListener>();
  private readonly progressListeners = new Set<ProgressListener>();
  private readonly stateListeners = new Set<(state: LinkState) => void>();
  private opened: Promise<void> | undefined;
  state: LinkState = 'connecting';

  constructor(private readonly url: string) {}

  /**
   * The URL of the bridge for the page at `location` (same host). The browser sends the session
   * cookie the bridge set when the page's one-time URL was opened; no secret is in the URL.
   */
  static urlFor(location: Pick<Location, 'host' | 'protocol'>): string {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}/api`;
  }

  /** Reports link state changes; returns a function that stops reporting. */
  onState(listener: (state: LinkState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** The API over this link. */
  api(): ConsoleApi {
    const domains = new Map<string, object>();
    const events: ConsoleApi['events'] = {
      onFleetSnapshot: (listener) => {
        this.snapshotListeners.add(listener);
        this.connect();
        return () => this.snapshotListeners.delete(listener);
      },
      onMoveProgress: (listener) => {
        this.progressListeners.add(listener);
        this.connect();
        return () => this.progressListeners.delete(listener);
      },
    };
    return new Proxy({} as ConsoleApi, {
      get: (_target, domain) => {
        if (domain === 'events') return events;
        if (typeof domain !== 'string') return undefined;
        let verbs = domains.get(domain);
        if (!verbs) {
          verbs = new Proxy(
            {},
            { get: (_t, verb) => (params: unknown) => this.call(`${domain}.${String(verb)}`, params) },
          );
          domains.set(domain, verbs);
        }
        return verbs;
      },
    });
  }

  private async call(name: string, params: unknown): Promise<unknown> {
    await this.connect();
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      throw new ConsoleLinkLost();
    }
    const id = this.nextId++;
    const reply = new Promise<ConsoleReply>((resolve) => this.pending.set(id, { resolve }));
    socket.send(JSON.stringify({ id, call: name, params }));
    return unwrapReply(await reply);
  }

  private setState(state: LinkState): void {
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  private connect(): Promise<void> {
    this.opened ??= new Promise<void>((resolve) => {
      // After a loss the link stays 'closed' (its banner says it is reconnecting) until a socket
      // opens: each retry's moment of 'connecting' made the banner blink away and the dashboard's
      // old figures look live again.
      if (this.state !== 'closed') this.setState('connecting');
      const socket = new WebSocket(this.url);
      this.socket = socket;
      socket.onopen = () => {
        this.setState('open');
        resolve();
      };
      socket.onmessage = (message) => this.receive(String(message.data));
      socket.onclose = () => {
        resolve();
        this.opened = undefined;
        this.socket = undefined;
        this.setState('closed');
        for (const [id, call] of this.pending) {
          this.pending.delete(id);
          call.resolve({
            ok: false,
            error: { code: 'unavailable', message: 'the connection to the console closed' },
          });
        }
        setTimeout(() => void this.connect(), 2000);
      };
    });
    return this.opened;
  }

  private receive(text: string): void {
    let message: { id?: number | null; reply?: ConsoleReply; event?: string; payload?: unknown };
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.event === 'fleet.snapshot') {
      for (const listener of this.snapshotListeners) {
        listener(message.payload as ConsoleEventPayload<'fleet.snapshot'>);
      }
      return;
    }
    if (message.event === 'move.progress') {
      for (const listener of this.progressListeners) {
        listener(message.payload as ConsoleEventPayload<'move.progress'>);
      }
      return;
    }
    if (typeof message.id === 'number' && message.reply) {
      this.pending.get(message.id)?.resolve(message.reply);
      this.pending.delete(message.id);
    }
  }
}
