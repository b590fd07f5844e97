/**
 * One client connection of the POP3 proxy before login (RFC 1939 AUTHORIZATION state): CAPA,
 * USER/PASS, AUTH PLAIN (RFC 5034), STLS (RFC 2595), QUIT. After a successful login the store's
 * `+OK` goes to the client and the connection becomes a byte relay.
 */
import type { Socket } from 'node:net';
import { Pop3LineReader } from '../protocol/pop3/pop3-line-reader.js';
import { decodeSaslPlain } from '../protocol/pop3/sasl-plain.js';
import { upgradeToTls } from '../protocol/tls/start-tls.js';
import { StoreLoginRefused } from './imap-store-login.js';
import { pop3StoreLogin } from './pop3-store-login.js';
import type { ProxyContext } from './proxy-context.js';
import { routeLogin } from './proxy-login.js';
import { handOverToStore } from './relay-handover.js';
import { openStoreSession, PreLoginSession } from './store-session.js';

/** The pre-login half of a proxied POP3 connection. */
export class Pop3ProxySession extends PreLoginSession {
  private readonly reader: Pop3LineReader;
  private readonly queue: string[] = [];
  private busy = false;
  private done = false;
  private failures = 0;
  private badCommands = 0;
  private pendingUser: string | undefined;
  private saslPending = false;

  constructor(socket: Socket, secure: boolean, context: ProxyContext) {
    super(socket, secure, context);
    this.reader = new Pop3LineReader(context.limits.maxLineBytes);
  }

  /** Greets and starts reading commands. */
  start(): void {
    this.listen();
    this.tcp.setTimeout(this.context.limits.preAuthTimeoutMs, () =>
      this.close('autologout: no login in time'),
    );
    this.write(`+OK ${this.context.hostname} mailfleet POP3 proxy ready`);
  }

  private listen(): void {
    this.socket.on('data', this.onData);
    this.socket.on('error', () => this.socket.destroy());
  }

  private readonly onData = (chunk: Buffer): void => {
    for (const input of this.reader.feed(chunk)) {
      this.queue.push(input.kind === 'line' ? input.text : '\0too-long');
    }
    // Pipelined input waits in the socket, not in memory.
    if (this.queue.length > 16) this.socket.pause();
    this.pump();
  };

  private pump(): void {
    if (this.busy || this.done || this.backpressure.holds(this.socket, () => this.pump())) return;
    const line = this.queue.shift();
    if (line === undefined) {
      this.socket.resume();
      return;
    }
    this.busy = true;
    void this.command(line).then(
      () => {
        this.busy = false;
        this.pump();
      },
      () => this.close('internal error'),
    );
  }

  private async command(line: string): Promise<void> {
    if (line === '\0too-long') return this.bad('line too long');
    if (this.saslPending) {
      this.saslPending = false;
      return this.saslResponse(line);
    }
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    switch (verb) {
      case 'CAPA':
        return this.capa();
      case 'QUIT':
        this.write('+OK signing off');
        this.done = true;
        this.socket.end();
        return;
      case 'STLS':
        return this.stls();
      case 'USER':
        if (!this.loginAllowed()) return this.write('-ERR [AUTH] log in over TLS: send STLS first');
        if (rest.trim() === '') return this.bad('USER needs a user name');
        this.pendingUser = rest.trim();
        return this.write('+OK send PASS');
      case 'PASS': {
        const user = this.pendingUser;
        this.pendingUser = undefined;
        if (user === undefined) return this.bad('send USER first');
        return this.login(user, rest);
      }
      case 'AUTH':
        return this.auth(rest);
      default:
        return this.bad(`unknown command ${verb.slice(0, 10)} (log in first)`);
    }
  }

  private capa(): void {
    const lines = ['+OK capability list follows', 'TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE'];
    if (this.context.tls && !this.secure) lines.push('STLS');
    if (this.loginAllowed()) lines.push('USER', 'SASL PLAIN');
    lines.push('IMPLEMENTATION mailfleet-proxy', '.');
    this.socket.write(`${lines.join('\r\n')}\r\n`);
  }

  private async auth(rest: string): Promise<void> {
    const [mechanism = '', initial, extra] = rest.split(' ');
    if (mechanism === '') return this.write('+OK SASL mechanisms follow\r\nPLAIN\r\n.');
    if (mechanism.toUpperCase() !== 'PLAIN' || extra !== undefined)
      return this.bad('only AUTH PLAIN is supported');
    if (!this.loginAllowed()) return this.write('-ERR [AUTH] log in over TLS: send STLS first');
    if (initial === undefined) {
      this.saslPending = true;
      return this.write('+ ');
    }
    // RFC 5034: "=" is an empty initial response.
    return this.saslResponse(initial === '=' ? '' : initial);
  }

  private async saslResponse(line: string): Promise<void> {
    if (line.trim() === '*') return this.write('-ERR authentication cancelled');
    const plain = decodeSaslPlain(line);
    if (!plain.ok) return this.bad(plain.error);
    return this.login(plain.login, plain.password);
  }

  private async stls(): Promise<void> {
    const tls = this.context.tls;
    if (!tls || this.secure) return this.write('-ERR STLS is not available on this connection');
    this.write('+OK begin TLS negotiation');
    // Whatever was pipelined after STLS in clear text must never count inside TLS.
    this.socket.removeListener('data', this.onData);
    this.queue.length = 0;
    this.reader.reset();
    this.pendingUser = undefined;
    try {
      this.socket = await upgradeToTls(this.socket, tls);
    } catch {
      this.done = true;
      this.socket.destroy();
      return;
    }
    this.secure = true;
    this.listen();
  }

  private async login(login: string, password: string): Promise<void> {
    const route = await routeLogin(this.context.routing, login, password, this.clientAddress, 'pop3');
    if (!route.ok) {
      if (route.kind === 'auth' || route.kind === 'disabled') {
        this.failures++;
        // Slows guessing on one connection; the authenticator throttles across connections.
        const delay = this.context.limits.failedLoginDelayMs;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        this.write(`-ERR [AUTH] ${route.kind === 'auth' ? 'wrong user name or password' : route.message}`);
        if (this.failures >= this.context.limits.maxFailedLogins) this.close('too many failed logins');
        return;
      }
      const code = route.kind === 'held' || route.kind === 'limit' ? 'IN-USE' : 'SYS/TEMP';
      return this.write(`-ERR [${code}] ${route.message}`);
    }
    const opening = await openStoreSession(this.context, this.socket, route, () =>
      pop3StoreLogin(route.endpoint, route.user, password, this.context.storeConnect),
    );
    if (opening.kind === 'gone') return;
    if (opening.kind === 'held')
      return this.write(`-ERR [IN-USE] the mailbox ${route.user} is being moved: try again shortly`);
    if (opening.kind === 'failed') {
      const { error } = opening;
      if (error instanceof StoreLoginRefused && /^-ERR \[IN-USE\]/.test(error.message))
        return this.write(error.message);
      return this.write(
        `-ERR [SYS/TEMP] the mail store ${route.endpoint.node} is not available: try again later`,
      );
    }
    const { session } = opening;
    this.write(session.reply);
    const { socket: store, leftover } = session.connection.detach();
    if (leftover.length > 0) this.socket.write(leftover);
    this.done = true;
    // Commands the client pipelined after its login go to the store, in order.
    for (const line of this.queue.splice(0)) store.write(`${line}\r\n`);
    handOverToStore(this.context, {
      client: this.socket,
      tcp: this.tcp,
      store,
      protocol: 'pop3',
      user: route.user,
      storeNode: route.endpoint.node,
      clientAddress: this.clientAddress,
    });
  }

  private bad(message: string): void {
    this.write(`-ERR ${message}`);
    // A client sending only junk is not going to log in.
    if (++this.badCommands >= 20) this.close('too many bad commands');
  }

  private close(message: string): void {
    if (this.socket.destroyed) return;
    this.done = true;
    this.write(`-ERR ${message}`);
    this.socket.end();
  }
}
