/**
 * The gateway's SMTP server: greylisting and the recipient check at RCPT (with the harvest guard),
 * the content scan at end of DATA, then relay to the next hop (the director). The gateway keeps no
 * queue: it answers 250 only after the next hop answered 250, so a message is never acknowledged
 * twice or lost between them; if the next hop fails, the sender gets 451 and retries. Bare LF / bare
 * CR anywhere closes the session with 521, NUL bytes in DATA get 550 5.6.0: the director's guard
 * (../smtp-smuggling-guard.ts), at the edge.
 *
 * At end of DATA, in order: forged Authentication-Results removed; the content checks
 * (content-checks.ts: antivirus, sender authentication, the spam scan, the gateway's
 * Authentication-Results on top); relay (docs/edge.md).
 */
import type { AddressInfo, Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createTransport, type Transporter } from 'nodemailer';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { SmtpClientLimit } from '../protocol/smtp/smtp-client-limit.js';
import { closeSmtpServer, listenSmtpServer } from '../protocol/smtp/smtp-listener.js';
import { SmtpSmugglingGuard } from '../protocol/smtp/smtp-smuggling-guard.js';
import { type SrsRewriter, srsRefusalWords } from '../srs/srs-address.js';
import { clientNetwork } from './client-network.js';
import { type ContentCheckOptions, ContentChecks } from './content-checks.js';
import {
  type ContentScanningStatus,
  contentScanningStatus,
  type VirusScanningStatus,
  virusScanningStatus,
} from './content-scanning-status.js';
import { greylistSender, parseEnvelopeAddress } from './envelope-address.js';
import type { Greylist, GreylistCounts } from './greylist.js';
import { readMessage } from './read-message.js';
import type { RecipientCheck } from './recipient-check.js';
import type { RecipientHarvestGuard } from './recipient-harvest-guard.js';
import { withoutAuthenticationResults } from './sender-authentication.js';
import { SmtpInputError, type SmtpReply, smtpError } from './smtp-refusal.js';
import type { GatewayDecision } from './spam-statistics.js';

/** What the gateway server is made of (the content checks' parts among them). */
export interface GatewaySmtpServerOptions extends ContentCheckOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  serverName: string;
  greylist: Greylist;
  recipients: RecipientCheck;
  harvestGuard: RecipientHarvestGuard;
  /** Where accepted mail goes (the director's inbound SMTP). */
  nextHop: { host: string; port: number };
  /** Certificate for STARTTLS (PEM); without it STARTTLS is not offered. */
  tls?: { key: Buffer | string; cert: Buffer | string };
  /** Largest message accepted (default 50 MiB). */
  maxMessageBytes?: number;
  /** Concurrent connections (default 1,000). */
  maxConnections?: number;
  /** Concurrent connections of one client address (default 50, Postfix anvil's). */
  maxConnectionsPerAddress?: number;
  /**
   * The director's SRS domain and secrets (../srs/srs-address.ts): an SRS address of that domain is
   * the bounce of a forward coming home, passed on only with a valid hash and age, else 550.
   */
  srs?: Pick<SrsRewriter, 'isSrsAddress' | 'reverse' | 'hasSecrets'>;
}

function replyOf(error: unknown, fallback: SmtpReply): SmtpReply {
  return error instanceof SmtpInputError ? error.reply : fallback;
}

/** The gateway's status, for the console and `node.info`. */
export interface GatewayStatus {
  listening: boolean;
  contentScanning: ContentScanningStatus;
  virusScanning: VirusScanningStatus;
  /** Whether SPF, DKIM, DMARC and ARC are checked. */
  senderAuthentication: boolean;
  greylist: GreylistCounts;
  /** Clients refused now for harvesting. */
  blockedClients: string[];
}

/** The gateway's SMTP listener. */
export class GatewaySmtpServer {
  private server: SMTPServer | null = null;
  private relay: Transporter | null = null;

  private readonly maxMessageBytes: number;
  private readonly smuggling: SmtpSmugglingGuard;
  private readonly perAddress: SmtpClientLimit;
  private readonly contentChecks: ContentChecks;

  constructor(private readonly options: GatewaySmtpServerOptions) {
    this.maxMessageBytes = options.maxMessageBytes ?? 50 * 1024 * 1024;
    this.contentChecks = new ContentChecks(options);
    this.perAddress = new SmtpClientLimit(options.maxConnectionsPerAddress ?? 50);
    this.smuggling = new SmtpSmugglingGuard((message, fields) => options.log?.('warn', message, fields));
  }

  /** Listens; resolves when bound. */
  async start(): Promise<void> {
    const o = this.options;
    this.relay = createTransport({
      host: o.nextHop.host,
      port: o.nextHop.port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: 10,
    });
    this.server = new SMTPServer({
      name: o.serverName,
      banner: 'mailfleet gateway',
      authOptional: true,
      // No AUTH (the gateway takes mail for local users only); STARTTLS only with a real certificate,
      // not smtp-server's built-in self-signed one.
      disabledCommands: o.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      ...(o.tls ? { key: o.tls.key, cert: o.tls.cert, minVersion: 'TLSv1.2' as const } : {}),
      disableReverseLookup: true,
      hideENHANCEDSTATUSCODES: true,
      size: this.maxMessageBytes,
      maxClients: o.maxConnections ?? 1000,
      logger: false,
      onConnect: (session, callback) => this.onConnect(session, callback),
      onSecure: (socket, session, callback) => {
        // The guard on the plain socket went with STARTTLS: watch the decrypted stream instead.
        this.smuggling.watch(socket as Socket, session.remoteAddress, session.remotePort);
        callback();
      },
      onClose: (session) => {
        this.perAddress.release(session);
        this.smuggling.forget(session);
      },
      onMailFrom: (address, session, callback) => {
        const refusal = this.smuggling.refusal(session);
        if (refusal) return callback(refusal);
        try {
          greylistSender(address.address);
          callback();
        } catch (error) {
          callback(smtpError(replyOf(error, { code: 451, enhanced: '4.3.0', message: 'internal error' })));
        }
      },
      onRcptTo: (address, session, callback) => {
        this.onRcptTo(address.address, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onData: (stream, session, callback) => {
        this.onData(stream, session).then(
          (text) => callback(null, text),
          (error: Error) => callback(error),
        );
      },
    });
    const server = this.server;
    this.smuggling.attach(server, false);
    await listenSmtpServer(server, o.port, o.host);
  }

  /** The bound port. */
  get port(): number {
    const address = this.server?.server.address() as AddressInfo | null;
    return address?.port ?? 0;
  }

  /** What the gateway is doing, in words where it matters ("content scanning: not configured"). */
  status(): GatewayStatus {
    return {
      listening: this.server !== null,
      contentScanning: contentScanningStatus(this.options.scanner?.url),
      virusScanning: virusScanningStatus(this.options.virusScanner?.address),
      senderAuthentication: this.options.authenticator !== undefined,
      greylist: this.options.greylist.counts(),
      blockedClients: this.options.harvestGuard.blockedClients(),
    };
  }

  /** Stops listening, closes sessions and the relay pool. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await closeSmtpServer(server);
    this.relay?.close();
    this.relay = null;
  }

  private onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    // One address's flood must not take every connection slot: it alone is refused (421).
    const busy = this.perAddress.admit(session);
    if (busy) {
      callback(busy);
      return;
    }
    try {
      const verdict = this.options.harvestGuard.check(session.remoteAddress);
      callback(verdict.action === 'drop' ? smtpError(verdict.reply) : null);
    } catch (error) {
      callback(smtpError(replyOf(error, { code: 421, enhanced: '4.3.0', message: 'internal error' })));
    }
  }

  private record(
    session: SMTPServerSession,
    recipient: string,
    outcome: GatewayDecision['outcome'],
    reason: string,
    score?: number,
  ): void {
    let client = session.remoteAddress;
    try {
      client = clientNetwork(session.remoteAddress).address;
    } catch {
      // keep the raw text: the statistics must not fail on it
    }
    this.options.statistics.record({
      outcome,
      clientAddress: client,
      sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      recipient,
      domain: recipient.slice(recipient.lastIndexOf('@') + 1),
      reason,
      ...(score !== undefined ? { score } : {}),
    });
  }

  private async onRcptTo(rawRecipient: string, session: SMTPServerSession): Promise<void> {
    const o = this.options;
    const client = session.remoteAddress;
    const refusal = this.smuggling.refusal(session);
    if (refusal) throw refusal;
    try {
      const guard = o.harvestGuard.check(client);
      if (guard.action === 'drop') throw smtpError(guard.reply);
      const recipient = parseEnvelopeAddress(rawRecipient, 'recipient');
      const isSrs = o.srs?.isSrsAddress(recipient) === true;
      // A gateway whose copy of the director's secrets has not come yet cannot judge the hash: a
      // bounce refused for good here would be lost, so it is asked to come again.
      if (isSrs && !o.srs?.hasSecrets())
        throw smtpError({
          code: 451,
          enhanced: '4.3.0',
          message: "the director's SRS secrets have not reached this gateway yet, please try again later",
        });
      const srs = isSrs ? o.srs?.reverse(recipient) : undefined;
      if (srs && !srs.ok) {
        // A forged SRS address counts like an unknown user: guessing hashes is harvesting.
        this.record(
          session,
          recipient,
          'rejectedUnknownRecipient',
          `not a valid SRS address (${srs.reason})`,
        );
        const verdict = o.harvestGuard.recordUnknownRecipient(client);
        if (verdict.action === 'drop') throw smtpError(verdict.reply);
        throw smtpError({
          code: 550,
          enhanced: '5.1.1',
          message: `not a valid SRS address: ${srsRefusalWords[srs.reason]}`,
        });
      }
      let status: Awaited<ReturnType<RecipientCheck['status']>>;
      try {
        // A valid SRS address is the director's to route (it checks the hash again).
        status = srs ? 'user' : await o.recipients.status(recipient);
      } catch {
        throw smtpError({
          code: 451,
          enhanced: '4.3.0',
          message: 'directory unavailable, please try again later',
        });
      }
      if (status === 'not-local') {
        throw smtpError({ code: 550, enhanced: '5.7.1', message: `relaying to ${recipient} denied` });
      }
      if (status === 'unknown') {
        this.record(session, recipient, 'rejectedUnknownRecipient', 'no such user in the directory');
        const verdict = o.harvestGuard.recordUnknownRecipient(client);
        if (verdict.action === 'drop') throw smtpError(verdict.reply);
        throw smtpError({ code: 550, enhanced: '5.1.1', message: `no such user here: ${recipient}` });
      }
      const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      const decision = o.greylist.decide(client, mailFrom, recipient);
      if (decision.action === 'defer') {
        this.record(session, recipient, 'greylisted', decision.reason);
        throw smtpError(decision.reply);
      }
    } catch (error) {
      if (error instanceof SmtpInputError) throw smtpError(error.reply);
      throw error;
    }
  }

  private async onData(stream: Readable, session: SMTPServerSession): Promise<string> {
    const { message, tooBig } = await readMessage(stream, this.maxMessageBytes);
    if (tooBig) throw smtpError({ code: 552, enhanced: '5.3.4', message: 'message too big' });
    // Refused here, at the edge, before a scanner or the next hop sees it.
    const refusal = this.smuggling.dataRefusal(session, message);
    if (refusal) throw refusal;
    const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const recipients = session.envelope.rcptTo.map((r) => parseEnvelopeAddress(r.address, 'recipient'));
    // An Authentication-Results from outside is a claim no one here made (RFC 8601 5): it goes.
    const checked = await this.contentChecks.check({
      message: withoutAuthenticationResults(message),
      sender,
      recipients,
      remoteAddress: session.remoteAddress,
      ...(session.hostNameAppearsAs ? { helo: session.hostNameAppearsAs } : {}),
      record: (recipient, outcome, reason, score) => this.record(session, recipient, outcome, reason, score),
    });
    try {
      await this.relay?.sendMail({ envelope: { from: sender, to: recipients }, raw: checked.message });
    } catch (error) {
      throw smtpError({
        code: 451,
        enhanced: '4.4.1',
        message: `next hop did not take the message (${(error as Error).message.slice(0, 100)}); please try again later`,
      });
    }
    for (const r of recipients) this.record(session, r, checked.outcome, checked.reason, checked.score);
    return `2.0.0 relayed to ${recipients.length} recipient(s)`;
  }
}
