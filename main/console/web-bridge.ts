/**
 * Browser mode: serves the built renderer and the console contract over a WebSocket on 127.0.0.1,
 * for machines without the Electron binary and for end-to-end tests in Chromium.
 *
 * Who may talk to it: the browser that first opened the printed URL. Its one-time token (random per
 * start) is exchanged at that first use for a session cookie (web-session.ts); every file and the
 * WebSocket then need the cookie, and the WebSocket also our own Origin. The Host header must name
 * this server, so a page on another site cannot reach it by DNS rebinding. Each request's path is
 * decoded and normalised once (static-files.ts), and what is decided is what is served. Every
 * message arrives as `unknown` and is checked; a bad one gets an error answer and the connection
 * keeps serving.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ConsoleBackend } from './console-backend.js';
import type { ConsoleEventName, ConsoleEventPayload } from './console-contract.js';
import { dispatchConsoleCall } from './console-dispatch.js';
import type { ConsoleFleetPush } from './console-fleet-snapshot.js';
import { rendererSecurityHeaders } from './content-security-policy.js';
import { canonicalRequestPath, readStaticFile } from './static-files.js';
import { WebSessionGate } from './web-session.js';
import {
  maxWebMessageBytes,
  type WebEvent,
  type WebReply,
  webApiPath,
  webCall,
  webTokenParameter,
} from './web-wire.js';

/** Options of {@link WebBridge}. */
export interface WebBridgeOptions {
  service: ConsoleBackend;
  /** The built renderer (dist/renderer). */
  rendererRoot: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); random otherwise. */
  token?: string;
}

/** The browser-mode server. */
export class WebBridge {
  private server: Server | undefined;
  private sockets: WebSocketServer | undefined;
  private readonly token: string;
  private port = 0;
  private gate: WebSessionGate | undefined;
  /**
   * Pages that cannot merge the next partial push: new connections, and pages that missed one
   * because they fell behind. They get the whole snapshot instead, once.
   */
  private readonly behind = new WeakSet<WebSocket>();

  constructor(private readonly options: WebBridgeOptions) {
    this.token = options.token ?? randomBytes(24).toString('base64url');
  }

  /**
   * The URL to open (it carries the one-time token: show it only to the person starting the
   * console; it works once, in one browser).
   */
  get url(): string {
    return `${this.origin}/?${webTokenParameter}=${this.token}`;
  }

  /** `http://127.0.0.1:PORT`, the only Origin accepted. */
  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on 127.0.0.1 and starts pushing fleet snapshots to connected pages. */
  async start(): Promise<void> {
    const sockets = new WebSocketServer({ noServer: true, maxPayload: maxWebMessageBytes });
    this.sockets = sockets;
    const server = createServer((request, response) => {
      void this.serveFile(request)
        // A request the URL parser or the file system chokes on is the client's problem, not ours.
        .catch(() => ({ status: 400, body: 'bad request\n', headers: { 'content-type': 'text/plain' } }))
        .then(({ status, body, headers }) => {
          response.writeHead(status, headers);
          response.end(body);
        });
    });
    this.server = server;
    server.on('upgrade', (request, socket, head) => this.upgrade(request, socket, head));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    // Named by port: the browser shares 127.0.0.1's cookies between its ports.
    this.gate = new WebSessionGate(this.token, `mailfleet-console-${this.port}`);
    this.options.service.events.on('fleet.snapshot', this, (payload) =>
      this.broadcast('fleet.snapshot', payload),
    );
    this.options.service.events.on('move.progress', this, (payload) => this.broadcastProgress(payload));
  }

  /** Closes every connection and the server. */
  async stop(): Promise<void> {
    this.options.service.events.removeOwner(this);
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server?.closeAllConnections();
  }

  private hostIsOurs(request: IncomingMessage): boolean {
    return (
      request.headers.host === `127.0.0.1:${this.port}` || request.headers.host === `localhost:${this.port}`
    );
  }

  private hasSession(request: IncomingMessage): boolean {
    return this.gate?.hasSession(request) ?? false;
  }

  private async serveFile(
    request: IncomingMessage,
  ): Promise<{ status: number; body: string | Buffer; headers: Record<string, string> }> {
    const plain = { 'content-type': 'text/plain; charset=utf-8', ...rendererSecurityHeaders };
    if (!this.hostIsOurs(request)) return { status: 421, body: 'wrong Host\n', headers: plain };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { status: 405, body: 'only GET\n', headers: plain };
    }
    const url = new URL(request.url ?? '/', this.origin);
    const path = canonicalRequestPath(url.pathname);
    if (path === undefined) return { status: 400, body: 'bad path\n', headers: plain };
    const token = url.searchParams.get(webTokenParameter);
    if (token !== null && path === '/index.html') return this.exchangeToken(request, token, plain);
    if (!this.hasSession(request)) {
      return {
        status: 403,
        body: 'mailfleet console: open the address printed by `mailfleet console --web` (it carries a one-time token).\n',
        headers: plain,
      };
    }
    const file = await readStaticFile(this.options.rendererRoot, path);
    if (!file) return { status: 404, body: 'not found\n', headers: plain };
    return {
      status: 200,
      body: file.body,
      headers: { 'content-type': file.contentType, 'cache-control': 'no-store', ...rendererSecurityHeaders },
    };
  }

  /**
   * The printed URL: its token, at first use, becomes the session cookie and the browser is sent on
   * to `/` (so the page's own URL holds no secret); used again, it is refused unless this very
   * browser already has the session (a reload of the printed URL).
   */
  private exchangeToken(
    request: IncomingMessage,
    token: string,
    plain: Record<string, string>,
  ): { status: number; body: string; headers: Record<string, string> } {
    const exchanged = this.gate?.exchange(token);
    const onward = { ...plain, location: '/', 'cache-control': 'no-store' };
    if (exchanged?.ok)
      return { status: 303, body: '', headers: { ...onward, 'set-cookie': exchanged.setCookie } };
    if (this.hasSession(request)) return { status: 303, body: '', headers: onward };
    const why =
      exchanged?.reason === 'used'
        ? 'this console address was already used by a browser, and works only once: start the console again for a new one'
        : 'this console address is not valid: open the one printed by `mailfleet console --web`';
    return { status: 403, body: `mailfleet console: ${why}.\n`, headers: plain };
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let refusal: string | undefined;
    try {
      refusal = this.refusal(request);
    } catch {
      refusal = '400 Bad Request';
    }
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    this.sockets?.handleUpgrade(request, socket, head, (client) => this.serveClient(client));
  }

  /** Why a WebSocket upgrade is refused (an HTTP status line), or undefined to accept it. */
  private refusal(request: IncomingMessage): string | undefined {
    const path = canonicalRequestPath(new URL(request.url ?? '/', this.origin).pathname);
    if (path !== webApiPath) return '404 Not Found';
    if (!this.hostIsOurs(request)) return '421 Misdirected Request';
    // A page from any other site could open this socket from the admin's browser: only our own page.
    const origin = request.headers.origin;
    if (origin !== this.origin && origin !== `http://localhost:${this.port}`) return '403 Forbidden';
    if (!this.hasSession(request)) return '401 Unauthorized';
    return undefined;
  }

  private serveClient(client: WebSocket): void {
    this.behind.add(client);
    client.on('message', (data, isBinary) => {
      void this.answer(client, isBinary ? undefined : data.toString());
    });
    client.on('error', () => client.terminate());
  }

  private async answer(client: WebSocket, text: string | undefined): Promise<void> {
    let message: unknown;
    try {
      message = text === undefined ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }
    const call = webCall.safeParse(message);
    if (!call.success) {
      return this.send(client, {
        id: null,
        reply: {
          ok: false,
          error: { code: 'bad-request', message: 'not a console call (JSON: id, call, params)' },
        },
      });
    }
    const reply = await dispatchConsoleCall(this.options.service, call.data.call, call.data.params);
    this.send(client, { id: call.data.id, reply });
  }

  private broadcast(event: ConsoleEventName, payload: ConsoleFleetPush): void {
    const text = JSON.stringify({ event, payload } satisfies WebEvent);
    let whole: string | undefined;
    for (const client of this.sockets?.clients ?? []) {
      if (client.readyState !== client.OPEN) continue;
      if (client.bufferedAmount >= 4 * 1024 * 1024) {
        // A page that cannot keep up misses a push rather than growing our memory; it gets the
        // whole snapshot once it drains, since it cannot merge changes past the one it missed.
        this.behind.add(client);
        continue;
      }
      if (payload.partial && this.behind.has(client)) {
        whole ??= JSON.stringify({ event, payload: this.options.service.snapshot() } satisfies WebEvent);
        client.send(whole);
      } else {
        client.send(text);
      }
      this.behind.delete(client);
    }
  }

  /**
   * A move job's change, to every page that keeps up. A page over the buffer limit misses it: the
   * next change of the job carries the whole job again, and the Moves view re-reads the list.
   */
  private broadcastProgress(payload: ConsoleEventPayload<'move.progress'>): void {
    const text = JSON.stringify({ event: 'move.progress', payload } satisfies WebEvent);
    for (const client of this.sockets?.clients ?? []) {
      if (client.readyState === client.OPEN && client.bufferedAmount < 4 * 1024 * 1024) client.send(text);
    }
  }

  private send(client: WebSocket, message: WebReply): void {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(message));
  }
}
