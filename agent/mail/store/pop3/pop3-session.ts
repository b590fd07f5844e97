/**
 * One POP3 connection (RFC 1939, CAPA from RFC 2449, STLS from RFC 2595, AUTH PLAIN from RFC 5034):
 * reading command lines, the AUTHORIZATION state, and handing the TRANSACTION state to
 * pop3-transaction.ts. Commands run one at a time in arrival order; clients may pipeline.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { Pop3LineReader } from '../../protocol/pop3/pop3-line-reader.js';
import { decodeSaslPlain } from '../../protocol/pop3/sasl-plain.js';
import { upgradeToTls } from '../../protocol/tls/start-tls.js';
import type { Pop3SessionContext } from './pop3-context.js';
import { isLoopback, openMaildrop } from './pop3-login.js';
import type { Pop3Maildrop } from './pop3-maildrop.js';
import { capabilityList, err, loginFailureReply, ok } from './pop3-replies.js';
import { runTransactionCommand } from './pop3-transaction.js';

/** A session as `sessions()` lists it. */
export interface Pop3SessionInfo {
  id: string;
  protocol: 'pop3';
  /** Set once logged in. */
  user?: string;
  clientAddress: string;
  /** ms since the epoch. */
  since: number;
  secure: boolean;
}

type State = 'authorization' | 'transaction' | 'closed';

/** One client connection. */
export class Pop3Session {
  private stream: Socket | TLSSocket;
  private readonly reader: Pop3LineReader;
  private readonly queue: Array<{ kind: 'line'; text: string } | { kind: 'too-long' }> = [];
  private running = false;
  private state: State = 'authorization';
  private secure: boolean;
  private pendingUser: string | undefined;
  /** Waiting for the client's SASL response line after `+ `. */
  private saslPending = false;
  private authFailures = 0;
  private badCommands = 0;
  private user: string | undefined;
  private maildrop: Pop3Maildrop | undefined;
  private readonly since: number;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);

  constructor(
    readonly id: string,
    socket: Socket | TLSSocket,
    readonly clientAddress: string,
    private readonly context: Pop3SessionContext,
    secure: boolean,
    private readonly onClosed: (session: Pop3Session) => void,
  ) {
    this.stream = socket;
    this.secure = secure;
    this.reader = new Pop3LineReader(context.limits.maxLineBytes);
    this.since = context.clock.now();
  }

  /** Sends the greeting and starts reading. */
  begin(): void {
    this.attach(this.stream);
    this.write(ok(`${this.context.hostname} POP3 ready`));
  }

  info(): Pop3SessionInfo {
    return {
      id: this.id,
      protocol: 'pop3',
      ...(this.user ? { user: this.user } : {}),
      clientAddress: this.clientAddress,
      since: this.since,
      secure: this.secure,
    };
  }

  /** The logged-in user, if any. */
  get loggedInUser(): string | undefined {
    return this.user;
  }

  /** Ends the session without applying deletions (kick, server stop). */
  close(reason?: string): void {
    if (this.state === 'closed') return;
    if (reason) this.write(err(reason, 'SYS/TEMP'));
    this.finish();
    this.stream.end();
    // A client that never reads must not keep the socket (and the maildrop lock) alive.
    setTimeout(() => this.stream.destroy(), 2_000).unref();
  }

  /** Writes a reply; resolves when the stream can take more (backpressure for RETR). */
  write(data: string | Buffer): Promise<void> {
    if (this.state === 'closed' && !this.stream.writable) return Promise.resolve();
    if (this.stream.write(data)) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
    });
  }

  private attach(stream: Socket | TLSSocket): void {
    this.stream = stream;
    stream.on('data', this.onData);
    stream.on('error', (error) =>
      this.context.event({ kind: 'error', clientAddress: this.clientAddress, error: error.message }),
    );
    stream.on('close', () => this.finish());
    stream.setTimeout(this.context.limits.loginTimeoutMs, () => {
      this.write(err('autologout: idle for too long', 'SYS/TEMP'));
      this.finish();
      stream.destroy();
    });
  }

  private receive(chunk: Buffer): void {
    if (this.state === 'closed') return;
    this.queue.push(...this.reader.feed(chunk));
    // Pipelined input beyond the limit waits in the kernel, not in our memory.
    if (this.queue.length > this.context.limits.maxQueuedCommands) this.stream.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let input = this.queue.shift(); input; input = this.queue.shift()) {
        if (this.closed()) break;
        if (input.kind === 'too-long')
          await this.bad(`line too long (at most ${this.context.limits.maxLineBytes} bytes)`);
        else await this.command(input.text);
        if (this.queue.length <= this.context.limits.maxQueuedCommands / 2 && !this.closed())
          this.stream.resume();
      }
    } catch (error) {
      this.context.event({ kind: 'error', clientAddress: this.clientAddress, error: String(error) });
      await this.write(err('internal error, closing', 'SYS/TEMP'));
      this.close();
    } finally {
      this.running = false;
    }
  }

  private async command(line: string): Promise<void> {
    if (this.saslPending) return this.saslResponse(line);
    const space = line.indexOf(' ');
    const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
    const rest = space === -1 ? '' : line.slice(space + 1);
    if (!/^[A-Z]{3,4}$/.test(verb)) return this.bad('that is not a POP3 command');
    if (verb === 'QUIT') return this.quit();
    if (verb === 'CAPA')
      return void (await this.write(
        capabilityList({
          authorization: this.state === 'authorization',
          offerStls: this.context.tls !== undefined && !this.secure,
          offerLogin: this.plaintextAllowed(),
        }),
      ));
    if (this.state === 'transaction' && this.maildrop) {
      const outcome = await runTransactionCommand(verb, rest, this.maildrop, {
        write: (data) => this.write(data),
        bad: (text) => this.bad(text),
        record: (event) => this.context.event(event),
      });
      if (outcome === 'unknown') return this.bad(`unknown command ${verb} (in the TRANSACTION state)`);
      return;
    }
    switch (verb) {
      case 'USER':
        return this.userCommand(rest);
      case 'PASS':
        return this.passCommand(rest);
      case 'AUTH':
        return this.authCommand(rest);
      case 'STLS':
        return this.stls();
      case 'APOP':
        return void (await this.write(err('APOP is not supported: use USER/PASS or AUTH PLAIN over TLS')));
      default:
        return this.bad(`unknown command ${verb} (log in first)`);
    }
  }

  private plaintextAllowed(): boolean {
    return this.secure || this.context.allowPlaintextAuth || isLoopback(this.clientAddress);
  }

  private async userCommand(name: string): Promise<void> {
    if (!this.plaintextAllowed())
      return void (await this.write(err('log in over TLS: send STLS first', 'AUTH')));
    if (name.trim() === '') return this.bad('USER needs a user name');
    this.pendingUser = name.trim();
    await this.write(ok('send PASS'));
  }

  private async passCommand(password: string): Promise<void> {
    const user = this.pendingUser;
    this.pendingUser = undefined;
    if (!user) return this.bad('send USER first');
    await this.login(user, password);
  }

  private async authCommand(rest: string): Promise<void> {
    const [mechanism = '', initial, extra] = rest.split(' ');
    if (mechanism === '') return void (await this.write(`${ok('SASL mechanisms follow')}PLAIN\r\n.\r\n`));
    if (mechanism.toUpperCase() !== 'PLAIN' || extra !== undefined)
      return this.bad(`SASL mechanism ${mechanism.slice(0, 20)} is not supported (PLAIN is)`);
    if (!this.plaintextAllowed())
      return void (await this.write(err('log in over TLS: send STLS first', 'AUTH')));
    if (initial === undefined) {
      this.saslPending = true;
      return void (await this.write('+ \r\n'));
    }
    // RFC 5034: "=" is an empty initial response.
    await this.saslResponse(initial === '=' ? '' : initial);
  }

  private async saslResponse(line: string): Promise<void> {
    this.saslPending = false;
    if (line.trim() === '*') return void (await this.write(err('authentication cancelled')));
    const plain = decodeSaslPlain(line);
    if (!plain.ok) return this.bad(plain.error);
    await this.login(plain.login, plain.password);
  }

  private async login(login: string, password: string): Promise<void> {
    const result = await this.context.authenticate(login, password, this.clientAddress);
    if (!result.ok) {
      this.context.event({
        kind: 'login-failed',
        login,
        clientAddress: this.clientAddress,
        reason: result.reason,
      });
      await this.write(loginFailureReply(result));
      this.authFailures += 1;
      if (this.authFailures >= this.context.limits.maxAuthFailures)
        this.close('too many failed logins, closing');
      return;
    }
    const opened = await openMaildrop(this.context, result, this, this.clientAddress);
    if ('refusal' in opened) return void (await this.write(opened.refusal));
    if (this.closed()) {
      // The connection went while the INBOX opened: nothing else would close it or free the lock.
      opened.maildrop.close();
      this.context.releaseMaildrop(result.user, this);
      return;
    }
    this.maildrop = opened.maildrop;
    this.user = result.user;
    this.state = 'transaction';
    this.stream.setTimeout(this.context.limits.idleTimeoutMs);
    this.context.event({ kind: 'login', user: result.user, clientAddress: this.clientAddress });
    void this.context.storage.recordLogin(result.user, this.context.clock.now()).catch(() => undefined);
    const { count, bytes } = this.maildrop.stat();
    await this.write(ok(`${result.user} has ${count} messages (${bytes} octets)`));
  }

  private async stls(): Promise<void> {
    const tls = this.context.tls;
    if (!tls) return void (await this.write(err('STLS is not available: this server has no certificate')));
    if (this.secure) return void (await this.write(err('TLS is already active')));
    await this.write(ok('begin TLS negotiation'));
    // Anything the client sent after STLS in plain text is dropped, never run inside TLS.
    this.stream.off('data', this.onData);
    this.stream.removeAllListeners('close');
    this.stream.removeAllListeners('timeout');
    this.queue.length = 0;
    this.reader.reset();
    this.pendingUser = undefined;
    const plain = this.stream as Socket;
    try {
      const secure = await upgradeToTls(plain, tls);
      this.secure = true;
      this.attach(secure);
    } catch (error) {
      this.context.event({
        kind: 'error',
        clientAddress: this.clientAddress,
        error: `STLS failed: ${String(error)}`,
      });
      this.finish();
      plain.destroy();
    }
  }

  private async quit(): Promise<void> {
    if (this.state === 'transaction' && this.maildrop) {
      try {
        const removed = await this.maildrop.commit();
        if (removed > 0) this.context.event({ kind: 'deleted', count: removed });
        await this.write(ok(`${this.context.hostname} signing off (${removed} messages deleted)`));
      } catch (error) {
        this.context.event({ kind: 'error', clientAddress: this.clientAddress, error: String(error) });
        await this.write(err('some deleted messages could not be removed', 'SYS/TEMP'));
      }
    } else {
      await this.write(ok(`${this.context.hostname} signing off`));
    }
    this.finish();
    this.stream.end();
  }

  /** Counts a bad command, answers it, and closes after too many. */
  async bad(text: string): Promise<void> {
    this.badCommands += 1;
    await this.write(err(text));
    if (this.badCommands >= this.context.limits.maxBadCommands) this.close('too many bad commands, closing');
  }

  // A method, not a field test: the state changes while commands await, which TS narrowing misses.
  private closed(): boolean {
    return this.state === 'closed';
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.queue.length = 0;
    this.reader.reset();
    this.maildrop?.close();
    this.maildrop = undefined;
    if (this.user) this.context.releaseMaildrop(this.user, this);
    this.onClosed(this);
  }
}
