/**
 * The director's inbound SMTP server (smtp-server). Recipients are expanded through the directory
 * at RCPT: unknown local users get 550 5.1.1 (no backscatter later), non-local recipients are
 * accepted only from trusted networks or authenticated users (never an open relay). After DATA the
 * message is queued durably and only then answered with 250. Bare LF / bare CR anywhere closes the
 * session with 521 (../smtp-smuggling-guard.ts, the same guard as the gateway's).
 *
 * Listeners: the inbound port (25-style, STARTTLS when a certificate is configured, AUTH optional),
 * the submission port (587-style, STARTTLS, AUTH required) and the implicit-TLS port (465-style,
 * AUTH required). AUTH is offered only under TLS unless `allowInsecureAuth`; it goes through the
 * node's DirectorAuthenticator (throttled per user and address like IMAP/POP, disabled mailboxes
 * refused), and an authenticated client may use only its own addresses as envelope sender
 * (sender-login.ts).
 */
import type { AddressInfo, BlockList, Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { SmtpClientLimit } from '../../protocol/smtp/smtp-client-limit.js';
import { closeSmtpServer, listenSmtpServer } from '../../protocol/smtp/smtp-listener.js';
import { SmtpSmugglingGuard } from '../../protocol/smtp/smtp-smuggling-guard.js';
import type { MailTlsCredentials } from '../../protocol/tls/mail-tls.js';
import { isTrustedAddress, trustedNetworkList } from '../../protocol/trusted-networks.js';
import { type SrsRewriter, srsRefusalWords } from '../../srs/srs-address.js';
import type { AcceptedRecipient, DeliveryRules } from '../delivery-rules/delivery-rules.js';
import type { DirectorLoginResult } from '../director-authenticator.js';
import type { DkimSigning } from '../dkim/dkim-signer.js';
import type { IncomingMessage } from '../queue/queue-entry.js';
import { expandedRecipients } from './accepted-recipients.js';
import { hideAuthBeforeTls, limitCommandLines, maxAuthLineOctets } from './command-line-limit.js';
import { alignedFromDomain } from './from-alignment.js';
import type { RecipientExpansion } from './recipient-expansion.js';
import { domainOf } from './recipient-router.js';
import { authReply, senderLoginMismatch } from './sender-login.js';

/** What the SMTP server needs from routing. */
export interface SmtpRouting {
  isLocalDomain(domain: string): Promise<boolean>;
  expand(address: string): Promise<RecipientExpansion>;
}

/** Options of a DirectorSmtpServer. */
export interface DirectorSmtpServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  serverName: string;
  maxMessageBytes: number;
  /** CIDR networks that may relay without AUTH, e.g. the gateway's address. */
  trustedNetworks: readonly string[];
  routing: SmtpRouting;
  queue: { enqueue(message: IncomingMessage): Promise<string> };
  /**
   * Checks a login (DirectorAuthenticator.authenticate: throttled, disabled mailboxes refused);
   * absent, AUTH is not offered.
   */
  authenticate?: (login: string, password: string, clientAddress: string) => Promise<DirectorLoginResult>;
  /** AUTH without TLS (tests on loopback, or sites that want it); default false. */
  allowInsecureAuth?: boolean;
  /** The certificate: STARTTLS on the inbound and submission ports, and the implicit-TLS port. */
  tls?: MailTlsCredentials;
  /** Submission port (587-style: STARTTLS, AUTH required); off when absent, 0 picks a free one. */
  submissionPort?: number;
  /** Implicit-TLS submission port (465-style: AUTH required); needs `tls`; off when absent. */
  submissionsPort?: number;
  /** True when an outbound transport exists; otherwise direct non-local recipients get 451 4.3.2. */
  outboundEnabled?: boolean;
  /**
   * DKIM signing of authenticated users' mail (DkimSigner). When set, a submission's From: domain
   * must be one of the login's own domains (from-alignment.ts), and the message is signed with that
   * domain's active keys before it is queued. Mail from the trusted networks (the gateway's relay)
   * is someone else's and is not signed.
   */
  signer?: { sign(message: Buffer, domain: string): Promise<DkimSigning> };
  /**
   * Users' forwarding, vacation replies and spam limits (delivery-rules.ts); absent, messages are
   * queued as expanded and no reply is sent.
   */
  rules?: Pick<DeliveryRules, 'plan'>;
  /**
   * SRS (../srs/srs-address.ts): an RCPT that is an SRS address of its domain is the bounce of a
   * forward coming home. It is accepted only with our hash and at most 21 days old, from anyone
   * (the hash is the permission), and goes to the one address it encodes; otherwise 550 in words.
   */
  srs?: Pick<SrsRewriter, 'isSrsAddress' | 'reverse'>;
  /** Recipients per message (default 1,000). */
  maxRecipients?: number;
  /** Concurrent connections (default 500). */
  maxConnections?: number;
  /** Concurrent connections of one client address outside the trusted networks (default 50). */
  maxConnectionsPerAddress?: number;
  socketTimeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

type ListenerKind = 'inbound' | 'submission' | 'submissions';

function listenerPort(server: SMTPServer | undefined): number {
  return (server?.server.address() as AddressInfo | null | undefined)?.port ?? 0;
}

/** An SMTP reply carried as an error, as smtp-server expects. */
function reply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

interface SessionState {
  /** RCPT address -> final targets. */
  targets: Map<string, AcceptedRecipient['expansion']>;
  /** After AUTH: the envelope senders the login may use (its own addresses). */
  senders?: ReadonlySet<string>;
}

/** The director's SMTP listener. */
export class DirectorSmtpServer {
  private server: SMTPServer | undefined;
  private readonly listeners = new Map<ListenerKind, SMTPServer>();
  private readonly trusted: BlockList;
  private readonly sessions = new Map<string, SessionState>();
  private readonly smuggling: SmtpSmugglingGuard;
  private readonly perAddress: SmtpClientLimit;

  constructor(private readonly options: DirectorSmtpServerOptions) {
    this.trusted = trustedNetworkList(options.trustedNetworks);
    this.perAddress = new SmtpClientLimit(options.maxConnectionsPerAddress ?? 50, (address) =>
      isTrustedAddress(this.trusted, address),
    );
    this.smuggling = new SmtpSmugglingGuard((message, fields) => this.log('warn', message, fields));
  }

  /** The inbound port listened on (after start). */
  get port(): number {
    return listenerPort(this.server);
  }

  /** The submission port (0 when off). */
  get submissionPort(): number {
    return listenerPort(this.listeners.get('submission'));
  }

  /** The implicit-TLS submission port (0 when off). */
  get submissionsPort(): number {
    return listenerPort(this.listeners.get('submissions'));
  }

  /** Starts listening on every configured port; a failure closes what was opened. */
  async start(): Promise<void> {
    const { tls, submissionPort, submissionsPort } = this.options;
    if (submissionsPort !== undefined && !tls)
      throw new Error('the implicit-TLS submission port needs a certificate');
    const wanted: [ListenerKind, number][] = [['inbound', this.options.port]];
    if (submissionPort !== undefined) wanted.push(['submission', submissionPort]);
    if (submissionsPort !== undefined) wanted.push(['submissions', submissionsPort]);
    try {
      for (const [kind, port] of wanted) {
        const server = this.createListener(kind);
        await listenSmtpServer(server, port, this.options.host);
        this.listeners.set(kind, server);
        if (kind === 'inbound') this.server = server;
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private createListener(kind: ListenerKind): SMTPServer {
    const auth = this.options.authenticate;
    const tls = this.options.tls;
    const secure = kind === 'submissions';
    const server: SMTPServer = new SMTPServer({
      name: this.options.serverName,
      banner: 'mailfleet director ESMTP',
      disableReverseLookup: true,
      // smtp-server derives the enhanced code from the reply code alone (550 -> 5.1.1 even for a
      // disabled mailbox); hidden, each reply text carries its own RFC 3463 code instead.
      hideENHANCEDSTATUSCODES: true,
      disabledCommands: [...(tls && !secure ? [] : ['STARTTLS']), ...(auth ? [] : ['AUTH'])],
      hideSTARTTLS: !tls || secure,
      secure,
      ...(tls ? { key: tls.key, cert: tls.cert, minVersion: 'TLSv1.2' as const } : {}),
      // Submission ports serve only authenticated users; the inbound port takes mail for local users.
      authOptional: kind === 'inbound',
      allowInsecureAuth: this.options.allowInsecureAuth ?? false,
      authMethods: ['PLAIN', 'LOGIN'],
      size: this.options.maxMessageBytes,
      maxRecipients: this.options.maxRecipients ?? 1000,
      // The parser's limit is the AUTH one (RFC 4954); other commands get 500 past 512 octets
      // (command-line-limit.ts).
      maxCommandLength: maxAuthLineOctets,
      maxClients: this.options.maxConnections ?? 500,
      socketTimeout: this.options.socketTimeoutMs ?? 5 * 60_000,
      logger: false,
      onConnect: (session, callback) => {
        // One address's flood must not take every slot of maxClients (the gateway is exempt).
        const busy = this.perAddress.admit(session);
        if (busy) {
          this.log('warn', 'too many connections from one address', { client: session.remoteAddress });
          return callback(busy);
        }
        this.sessions.set(session.id, { targets: new Map() });
        if (!limitCommandLines(server, session.id))
          this.log('warn', 'smtp-server internals changed: the 512-octet command limit is not applied');
        // smtp-server would advertise AUTH in clear and only refuse it with 538.
        if (auth && !secure && !this.options.allowInsecureAuth && !hideAuthBeforeTls(server, session.id))
          this.log('warn', 'smtp-server internals changed: AUTH is advertised before TLS');
        callback();
      },
      onSecure: (socket, session, callback) => {
        // The guard on the plain socket went with STARTTLS (and sees only ciphertext on 465):
        // watch the decrypted stream instead.
        this.smuggling.watch(socket as Socket, session.remoteAddress, session.remotePort);
        callback();
      },
      onClose: (session) => {
        this.perAddress.release(session);
        this.sessions.delete(session.id);
        this.smuggling.forget(session);
      },
      onAuth: (authData, session, callback) => {
        if (!auth || !authData.username || authData.password == null) {
          callback(reply(535, '5.7.8 authentication failed'));
          return;
        }
        auth(authData.username, authData.password, session.remoteAddress).then(
          (result) => {
            if (!result.ok) return callback(authReply(result));
            this.state(session).senders = new Set(result.addresses);
            callback(null, { user: result.user });
          },
          () => callback(reply(454, '4.7.0 directory unavailable, try again later')),
        );
      },
      onMailFrom: (address, session, callback) => {
        const refusal = this.smuggling.refusal(session);
        if (refusal) return callback(refusal);
        const state = this.state(session);
        const mismatch = senderLoginMismatch(address.address, session.user || undefined, state.senders);
        if (mismatch) return callback(mismatch);
        state.targets.clear();
        callback();
      },
      onRcptTo: (address, session, callback) => {
        this.checkRecipient(address.address, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          (id) => callback(null, `2.0.0 queued as ${id}`),
          (error: Error) => callback(error),
        );
      },
    });
    // TLS handshake garbage ends up here too: that client is dropped, the others go on.
    server.on('error', (error) => this.log('warn', 'SMTP connection error', { error: error.message }));
    // The guard sees each chunk before smtp-server parses it; on the implicit-TLS port the raw
    // bytes are ciphertext, so there only onSecure guards.
    this.smuggling.attach(server, secure);
    return server;
  }

  /** Stops listening and closes connections. */
  async stop(): Promise<void> {
    const servers = [...this.listeners.values()];
    this.listeners.clear();
    this.server = undefined;
    await Promise.all(servers.map((server) => closeSmtpServer(server)));
  }

  private state(session: SMTPServerSession): SessionState {
    let state = this.sessions.get(session.id);
    if (!state) {
      state = { targets: new Map() };
      this.sessions.set(session.id, state);
    }
    return state;
  }

  private mayRelay(session: SMTPServerSession): boolean {
    // smtp-server sets `user` to false (not undefined) when STARTTLS resets the session: only a
    // real login counts, or every client that says STARTTLS could relay.
    return Boolean(session.user) || isTrustedAddress(this.trusted, session.remoteAddress);
  }

  private async checkRecipient(address: string, session: SMTPServerSession): Promise<void> {
    const refusal = this.smuggling.refusal(session);
    if (refusal) throw refusal;
    if (!/^[^@\s]+@[^@\s]+$/.test(address)) throw reply(501, '5.1.3 bad recipient address syntax');
    const srs = this.options.srs;
    // Checked before the relay rule: the SRS domain need not be a mail domain of the directory.
    const target = srs?.isSrsAddress(address) ? this.srsTarget(srs, address, session) : address;
    const { local, expansion } = await this.lookUp(target);
    if (!local) {
      if (target === address && !this.mayRelay(session)) throw reply(554, '5.7.1 relay access denied');
      if (!this.options.outboundEnabled) throw reply(451, '4.3.2 outbound delivery not available yet');
    }
    if (expansion.kind === 'unknown') throw reply(550, '5.1.1 no such user here');
    if (expansion.kind === 'disabled') throw reply(550, '5.2.1 mailbox disabled');
    this.state(session).targets.set(address.toLowerCase(), expansion);
  }

  /** The address an SRS recipient leads back to; a forged, expired or garbled one is refused. */
  private srsTarget(
    srs: NonNullable<DirectorSmtpServerOptions['srs']>,
    address: string,
    session: SMTPServerSession,
  ): string {
    const reversal = srs.reverse(address);
    if (reversal.ok) return reversal.address;
    this.log('info', 'SRS address refused', { client: session.remoteAddress, reason: reversal.reason });
    throw reply(550, `5.1.1 not a valid SRS address: ${srsRefusalWords[reversal.reason]}`);
  }

  private async lookUp(address: string): Promise<{ local: boolean; expansion: RecipientExpansion }> {
    try {
      const local = await this.options.routing.isLocalDomain(domainOf(address));
      const expansion: RecipientExpansion = local
        ? await this.options.routing.expand(address)
        : { kind: 'targets', mailboxes: [], remote: [address], relay: true };
      return { local, expansion };
    } catch (error) {
      this.log('warn', 'directory lookup failed at RCPT', {
        error: error instanceof Error ? error.message : String(error),
      });
      throw reply(451, '4.4.3 directory unavailable, try again later');
    }
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of stream) {
      received += (chunk as Buffer).length;
      // Past the limit the rest is drained, not kept: a 1 GB DATA must not cost 1 GB of memory.
      if (received <= this.options.maxMessageBytes) chunks.push(chunk as Buffer);
    }
    if (stream.sizeExceeded || received > this.options.maxMessageBytes) {
      throw reply(552, '5.3.4 message exceeds the size limit');
    }
    const data = Buffer.concat(chunks);
    const refusal = this.smuggling.dataRefusal(session, data);
    if (refusal) throw refusal;
    const state = this.state(session);
    const accepted: AcceptedRecipient[] = [];
    for (const rcpt of session.envelope.rcptTo) {
      const expansion = state.targets.get(rcpt.address.toLowerCase());
      if (expansion) accepted.push({ rcpt: rcpt.address, expansion });
    }
    const recipients = expandedRecipients(accepted);
    if (recipients.length === 0) throw reply(554, '5.5.1 no valid recipients');
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    let content: Buffer = Buffer.concat([Buffer.from(this.receivedHeader(session)), data]);
    if (this.options.signer && session.user && state.senders) {
      const domain = alignedFromDomain(data, String(session.user), state.senders);
      if (domain instanceof Error) throw domain;
      try {
        content = (await this.options.signer.sign(content, domain)).message;
      } catch (error) {
        this.log('error', 'DKIM signing failed', {
          domain,
          error: error instanceof Error ? error.message : String(error),
        });
        throw reply(451, '4.3.0 could not sign the message, try again later');
      }
    }
    if (!this.options.rules) return this.enqueue({ sender, recipients, content });
    const plan = await this.options.rules.plan(sender, accepted, content).catch((error: unknown) => {
      this.log('warn', 'directory lookup failed at DATA', {
        error: error instanceof Error ? error.message : String(error),
      });
      throw reply(451, '4.4.3 directory unavailable, try again later');
    });
    if ('refuse' in plan) throw reply(plan.refuse.code, plan.refuse.text);
    // Every copy durable before the 250; a failure after the first costs a duplicate on retry, never a loss.
    const ids: string[] = [];
    for (const message of plan.messages) ids.push(await this.enqueue(message));
    // The replies are the user's, not the sender's: their failure is logged, the 250 stands.
    try {
      for (const answer of await plan.replies()) await this.options.queue.enqueue(answer);
    } catch (error) {
      this.log('error', 'vacation reply not queued', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
    return ids.join(' ');
  }

  private async enqueue(message: IncomingMessage): Promise<string> {
    try {
      return await this.options.queue.enqueue(message);
    } catch (error) {
      this.log('error', 'queueing failed', { error: error instanceof Error ? error.message : String(error) });
      throw reply(451, '4.3.0 could not queue the message, try again later');
    }
  }

  private receivedHeader(session: SMTPServerSession): string {
    const helo = (session.hostNameAppearsAs ?? 'unknown').replace(/[^\x21-\x7e]/g, '?').slice(0, 255);
    // RFC 3848: S for TLS, A for an authenticated client.
    const protocol = `ESMTP${session.secure ? 'S' : ''}${session.user ? 'A' : ''}`;
    return `Received: from ${helo} ([${session.remoteAddress}])\r\n\tby ${this.options.serverName} with ${protocol};\r\n\t${new Date().toUTCString()}\r\n`;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}
