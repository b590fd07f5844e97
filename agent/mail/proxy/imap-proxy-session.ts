/**
 * One client connection of the IMAP proxy before login (RFC 3501 not-authenticated state):
 * CAPABILITY, NOOP, LOGOUT, STARTTLS, LOGIN, AUTHENTICATE PLAIN (with SASL-IR). Input is framed by
 * the store server's command reader and tokenizer, so line, literal and nesting limits hold before
 * login. After a successful login the store's tagged OK (with the store's post-login CAPABILITY
 * code) goes to the client and the connection becomes a byte relay.
 */
import type { Socket } from 'node:net';
import { ImapCommandReader } from '../protocol/imap/imap-command-reader.js';
import { preLoginReaderLimits } from '../protocol/imap/imap-limits.js';
import {
  type ImapCommand,
  ImapParseError,
  type ImapToken,
  parseCommand,
} from '../protocol/imap/imap-parser.js';
import { decodeSaslPlain } from '../protocol/pop3/sasl-plain.js';
import { upgradeToTls } from '../protocol/tls/start-tls.js';
import { readClientLine } from './client-line.js';
import { imapStoreLogin, StoreLoginRefused } from './imap-store-login.js';
import type { ProxyContext } from './proxy-context.js';
import { routeLogin } from './proxy-login.js';
import { handOverToStore } from './relay-handover.js';
import { openStoreSession, PreLoginSession } from './store-session.js';

const crlf = Buffer.from('\r\n');
/** BAD answers before the connection is closed. */
const maxBadCommands = 20;
/** Unread input kept before the socket is paused. */
const maxBufferedInput = 64 * 1024;

type Reply = { close?: boolean; relayed?: boolean } | undefined;

/** The pre-login half of a proxied IMAP connection. */
export class ImapProxySession extends PreLoginSession {
  private readonly reader: ImapCommandReader;
  private busy = false;
  private done = false;
  private failures = 0;
  private badCommands = 0;

  constructor(socket: Socket, secure: boolean, context: ProxyContext) {
    super(socket, secure, context);
    // The proxy only ever reads pre-login input: an APPEND literal gets no more than a login's; lines
    // have their own limit, room for an RFC 2971 ID.
    this.reader = new ImapCommandReader(
      preLoginReaderLimits({ ...context.limits, maxLineBytes: context.limits.maxImapLineBytes }),
    );
  }

  /** Greets and starts reading commands. */
  start(): void {
    this.listen();
    this.tcp.setTimeout(this.context.limits.preAuthTimeoutMs, () => this.bye('autologout: no login in time'));
    this.write(`* OK [CAPABILITY ${this.capabilities()}] ${this.context.hostname} mailfleet proxy ready`);
  }

  private listen(): void {
    this.socket.on('data', this.onData);
    this.socket.on('error', () => this.socket.destroy());
  }

  private readonly onData = (chunk: Buffer): void => {
    this.reader.push(chunk);
    // Pipelined input waits in the socket, not in memory.
    if (this.reader.bufferedBytes > maxBufferedInput) this.socket.pause();
    this.pump();
  };

  private capabilities(): string {
    const list = ['IMAP4rev1', 'LITERAL+', 'SASL-IR', 'ID'];
    if (this.context.tls && !this.secure) list.push('STARTTLS');
    list.push(this.loginAllowed() ? 'AUTH=PLAIN' : 'LOGINDISABLED');
    return list.join(' ');
  }

  private pump(): void {
    while (!this.busy && !this.done) {
      if (this.backpressure.holds(this.socket, () => this.pump())) return;
      const event = this.reader.next();
      if (!event) {
        this.socket.resume();
        return;
      }
      if (event.kind === 'continue') {
        this.write('+ go ahead');
        continue;
      }
      if (event.kind === 'line') continue;
      if (event.kind === 'refused') {
        this.write(`${event.tag ?? '*'} ${event.status} [${event.code}] ${event.message}`);
        if (event.close) this.bye('closing: the input cannot be followed');
        else this.countBad();
        continue;
      }
      let command: ImapCommand;
      try {
        command = parseCommand(event.lines, event.literals, this.context.limits);
      } catch (error) {
        if (!(error instanceof ImapParseError)) throw error;
        this.write(`${error.tag ?? '*'} BAD ${error.message}`);
        this.countBad();
        continue;
      }
      this.busy = true;
      this.socket.pause();
      void this.run(command).then(
        (reply) => this.after(reply),
        () => this.bye('internal error'),
      );
    }
  }

  private after(reply: Reply): void {
    if (reply?.relayed) return;
    if (reply?.close) {
      this.bye('closing');
      return;
    }
    this.busy = false;
    this.pump();
  }

  private async run(command: ImapCommand): Promise<Reply> {
    const { tag, name, args } = command;
    switch (name) {
      case 'CAPABILITY':
        this.write(`* CAPABILITY ${this.capabilities()}`);
        this.write(`${tag} OK CAPABILITY completed`);
        return undefined;
      case 'NOOP':
        this.write(`${tag} OK NOOP completed`);
        return undefined;
      case 'ID':
        // RFC 2971: clients may identify themselves before login; the proxy answers for itself.
        this.write('* ID ("name" "mailfleet")');
        this.write(`${tag} OK ID completed`);
        return undefined;
      case 'LOGOUT':
        this.write('* BYE logging out');
        this.write(`${tag} OK LOGOUT completed`);
        this.done = true;
        this.socket.end();
        return { relayed: true };
      case 'STARTTLS':
        return this.startTls(tag);
      case 'LOGIN': {
        const [user, password] = args.map(astring);
        if (args.length !== 2 || user === undefined || password === undefined)
          return this.badArgs(tag, 'LOGIN needs a user name and a password');
        return this.login(tag, user, password);
      }
      case 'AUTHENTICATE':
        return this.authenticate(tag, args);
      default:
        return this.badArgs(tag, `${name.slice(0, 20)} is not valid before login (log in first)`);
    }
  }

  private badArgs(tag: string, message: string): Reply {
    this.write(`${tag} BAD ${message}`);
    this.countBad();
    return undefined;
  }

  /** A client sending only junk is not going to log in. */
  private countBad(): void {
    if (++this.badCommands >= maxBadCommands) this.bye('too many bad commands');
  }

  private async startTls(tag: string): Promise<Reply> {
    const tls = this.context.tls;
    if (!tls || this.secure) return this.badArgs(tag, 'STARTTLS is not available on this connection');
    this.write(`${tag} OK begin TLS now`);
    // Whatever was pipelined after STARTTLS in clear text must never count inside TLS.
    this.reader.reset();
    this.socket.removeListener('data', this.onData);
    try {
      this.socket = await upgradeToTls(this.socket, tls);
    } catch {
      this.done = true;
      this.socket.destroy();
      return { relayed: true };
    }
    this.secure = true;
    this.listen();
    return undefined;
  }

  private async authenticate(tag: string, args: ImapToken[]): Promise<Reply> {
    const mechanism = args[0]?.type === 'atom' ? args[0].value.toUpperCase() : '';
    if (mechanism !== 'PLAIN' || args.length > 2)
      return this.badArgs(tag, 'only AUTHENTICATE PLAIN is supported');
    let response = args[1]?.type === 'atom' ? args[1].value : undefined;
    if (args.length === 2 && response === undefined)
      return this.badArgs(tag, 'the initial response must be base64');
    if (response === undefined) {
      this.write('+ ');
      const line = await this.nextLine();
      if (line === undefined) return { relayed: true };
      response = line;
    }
    if (response === '*') return this.badArgs(tag, 'AUTHENTICATE cancelled');
    const decoded = decodeSaslPlain(response === '=' ? '' : response);
    if (!decoded.ok) return this.badArgs(tag, decoded.error);
    return this.login(tag, decoded.login, decoded.password);
  }

  /** One raw line (the SASL response), waiting for input as needed. */
  private async nextLine(): Promise<string | undefined> {
    this.socket.removeListener('data', this.onData);
    try {
      return await readClientLine(this.socket, this.reader);
    } finally {
      this.socket.on('data', this.onData);
    }
  }

  private async login(tag: string, login: string, password: string): Promise<Reply> {
    if (!this.loginAllowed())
      return this.refuse(tag, 'PRIVACYREQUIRED', 'log in over TLS: send STARTTLS first', false);
    const route = await routeLogin(this.context.routing, login, password, this.clientAddress, 'imap');
    if (!route.ok) {
      if (route.kind === 'auth')
        return this.refuse(tag, 'AUTHENTICATIONFAILED', 'wrong user name or password', true);
      if (route.kind === 'disabled') return this.refuse(tag, 'AUTHORIZATIONFAILED', route.message, true);
      return this.refuse(tag, 'UNAVAILABLE', route.message, false);
    }
    const opening = await openStoreSession(this.context, this.socket, route, () =>
      imapStoreLogin(route.endpoint, route.user, password, this.context.storeConnect),
    );
    if (opening.kind === 'gone') return { relayed: true };
    if (opening.kind === 'held')
      return this.refuse(
        tag,
        'UNAVAILABLE',
        `the mailbox ${route.user} is being moved: try again shortly`,
        false,
      );
    if (opening.kind === 'failed') {
      const words =
        opening.error instanceof StoreLoginRefused
          ? `the mail store ${route.endpoint.node} refused the login: try again later`
          : `the mail store ${route.endpoint.node} is not available: try again later`;
      return this.refuse(tag, 'UNAVAILABLE', words, false);
    }
    const { session } = opening;
    for (const line of session.untagged) this.write(line);
    this.write(`${tag} ${session.reply}`);
    const { socket: store, leftover } = session.connection.detach();
    if (leftover.length > 0) this.socket.write(leftover);
    // Commands the client pipelined after its login go to the store in order. Line mode hands back
    // the bytes as they came (literal contents included, up to their line ends).
    for (let event = this.reader.next('line'); event?.kind === 'line'; event = this.reader.next('line')) {
      store.write(Buffer.concat([event.text, crlf]));
    }
    if (this.reader.bufferedBytes > 0) {
      // A partial line cannot be handed over from the reader; rare enough to ask for a retry.
      session.connection.destroy();
      this.bye('pipelined input after login could not be passed on: reconnect');
      return { relayed: true };
    }
    this.done = true;
    handOverToStore(this.context, {
      client: this.socket,
      tcp: this.tcp,
      store,
      protocol: 'imap',
      user: route.user,
      storeNode: route.endpoint.node,
      clientAddress: this.clientAddress,
    });
    return { relayed: true };
  }

  private async refuse(tag: string, code: string, message: string, counts: boolean): Promise<Reply> {
    if (counts) {
      this.failures++;
      // Slows guessing on one connection; the authenticator throttles across connections.
      if (this.context.limits.failedLoginDelayMs > 0)
        await new Promise((resolve) => setTimeout(resolve, this.context.limits.failedLoginDelayMs));
    }
    this.write(`${tag} NO [${code}] ${message}`);
    return { close: this.failures >= this.context.limits.maxFailedLogins };
  }

  private bye(message: string): void {
    if (this.socket.destroyed) return;
    this.done = true;
    this.write(`* BYE ${message}`);
    this.socket.end();
  }
}

/** An astring argument (atom, quoted or literal) as text, or undefined for lists and sections. */
function astring(token: ImapToken): string | undefined {
  if (token.type === 'atom') return token.value;
  if (token.type === 'string') return token.value.toString('utf8');
  return undefined;
}
