/**
 * The store's LMTP server (RFC 2033) on smtp-server in LMTP mode: recipients are checked at RCPT
 * (unknown 550 5.1.1, held 450 4.2.1, already over quota 552 5.2.2 / 452 4.2.2), and after DATA each
 * recipient gets its own reply, sent only once the message is durable in that mailbox.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import { messageDataProblem } from '../../protocol/smtp/message-data-check.js';
import { closeSmtpServer, listenSmtpServer } from '../../protocol/smtp/smtp-listener.js';
import type { MailRecipient, MailRecipientLookup, MayServeStore } from '../mail-login.js';
import { type MailStorage, MailStorageError, type UserMailbox } from '../mail-storage.js';
import { DeliveryHolds } from './delivery-holds.js';
import type { LmtpClientVerdict } from './lmtp-client-check.js';
import { type LmtpCounters, newLmtpCounters } from './lmtp-counters.js';
import * as replies from './lmtp-replies.js';
import { traceHeaders } from './trace-headers.js';

/** Options of an LmtpServer. */
export interface LmtpServerOptions {
  host: string;
  /** 0 picks a free port (see `port` after start). */
  port: number;
  storage: MailStorage;
  /** Directory-backed: only users of logical stores this node serves. */
  recipientLookup: MailRecipientLookup;
  /** Name in the greeting and in Received headers. */
  serverName: string;
  /** Largest message accepted, in bytes (552 5.3.4 above it). */
  maxMessageBytes: number;
  /** Over-quota replies: permanent 552 5.2.2 (default) or temporary 452 4.2.2. */
  overQuota?: replies.OverQuotaPolicy;
  /** Recipients per transaction (default 100). */
  maxRecipients?: number;
  /** Concurrent connections (default 200). */
  maxConnections?: number;
  /** Idle connection timeout (default 5 minutes, as RFC 5321 suggests for DATA). */
  socketTimeoutMs?: number;
  /**
   * Who may connect (lmtp-client-check.ts: the directors); absent, anyone who reaches the port.
   * `refused` gets 554 5.7.1 at connect, `unknown` (the directory not read yet) 421 4.3.0.
   */
  clientCheck?: (clientAddress: string) => Promise<LmtpClientVerdict>;
  /**
   * The failover fence: checked at RCPT and again after the message is durable, before its 250
   * (451 4.3.0 when this node may not serve the recipient's store now). Absent: no fence.
   */
  mayServe?: MayServeStore;
  /**
   * Whether a delivery is one this node holds already from before a failover (the director sent
   * it again because the failed node died before its 250): answered 250 and not stored twice.
   */
  isRedelivery?: (user: string, data: Buffer) => boolean;
  /** Structured log lines (no message content). */
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** The LMTP delivery service of a store. */
export class LmtpServer {
  /** Counters for the store's metrics. */
  readonly counters: LmtpCounters = newLmtpCounters();
  private readonly holds = new DeliveryHolds();
  // The recipient found at RCPT, per accepted address object of the envelope.
  private readonly recipients = new WeakMap<SMTPServerAddress, MailRecipient>();
  private server: SMTPServer | undefined;

  constructor(private readonly options: LmtpServerOptions) {}

  /** The port listened on (after start). */
  get port(): number {
    const address = this.server?.server.address() as AddressInfo | null | undefined;
    return address?.port ?? 0;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    const server = new SMTPServer({
      lmtp: true,
      name: this.options.serverName,
      banner: 'mailfleet LMTP',
      disableReverseLookup: true,
      // Off by default in smtp-server; on, every reply carries its RFC 3463 code (lmtp-replies.ts).
      hideENHANCEDSTATUSCODES: false,
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideSTARTTLS: true,
      size: this.options.maxMessageBytes,
      rejectOversized: true,
      maxRecipients: this.options.maxRecipients ?? 100,
      maxClients: this.options.maxConnections ?? 200,
      socketTimeout: this.options.socketTimeoutMs ?? 5 * 60_000,
      logger: false,
      onConnect: (session, callback) => {
        this.counters.sessions++;
        this.admit(session.remoteAddress).then(callback, () =>
          callback(connectRefusal(421, '4.3.0 cannot check who may deliver here: try again later')),
        );
      },
      onRcptTo: (address, session, callback) => {
        this.checkRecipient(address, session).then(
          () => callback(),
          (error: Error) => callback(error),
        );
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          // smtp-server's LMTP mode takes one reply per recipient as an array (its types say string).
          (perRecipient) => callback(null, perRecipient as unknown as string),
          (error: Error) => callback(error),
        );
      },
    });
    server.on('error', (error) => this.log('warn', 'LMTP connection error', { error: error.message }));
    await listenSmtpServer(server, this.options.port, this.options.host);
    this.server = server;
  }

  /** Stops listening and closes connections (deliveries in flight finish first). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeSmtpServer(server);
  }

  /** Refuses deliveries to `user` (temporarily) from now on; resolves when those in flight are durable. */
  hold(user: string): Promise<void> {
    return this.holds.hold(user);
  }

  /** Accepts deliveries to `user` again. */
  release(user: string): void {
    this.holds.release(user);
  }

  /** Users held now. */
  heldUsers(): string[] {
    return this.holds.heldUsers();
  }

  /** Null when the client may deliver, else the refusal sent before closing. */
  private async admit(clientAddress: string): Promise<Error | null> {
    const check = this.options.clientCheck;
    if (!check) return null;
    const verdict = await check(clientAddress);
    if (verdict === 'allowed') return null;
    if (verdict === 'unknown')
      return connectRefusal(421, '4.3.0 cannot check who may deliver here: try again later');
    this.counters.refusedClients++;
    this.log('warn', 'LMTP client refused: not a director', { client: clientAddress });
    return connectRefusal(
      554,
      `5.7.1 ${clientAddress}: LMTP delivery is accepted from the directors only; send mail through the gateway`,
    );
  }

  private async checkRecipient(address: SMTPServerAddress, session: SMTPServerSession): Promise<void> {
    const rcpt = address.address.toLowerCase();
    let recipient: MailRecipient | undefined;
    try {
      recipient = await this.options.recipientLookup(rcpt);
    } catch (error) {
      throw this.refuse('temporaryFailures', replies.temporaryFailure(rcpt, 'directory unavailable'), error);
    }
    if (!recipient) throw this.refuse('unknownUser', replies.unknownUser(rcpt));
    if (!(await this.serves(recipient)))
      throw this.refuse('temporaryFailures', replies.temporaryFailure(rcpt, notServedHere(recipient)));
    if (this.holds.isHeld(recipient.user)) throw this.refuse('held', replies.held(rcpt));
    // Refuse early a mailbox that is already full (or would be with the announced SIZE).
    let quota: { usedBytes: number; limitBytes: number };
    try {
      quota = await (await this.options.storage.mailbox(recipient.user, recipient.quotaBytes)).quota();
    } catch (error) {
      throw this.refuse('temporaryFailures', replies.temporaryFailure(rcpt, 'mailbox unavailable'), error);
    }
    const args = session.envelope.mailFrom ? session.envelope.mailFrom.args : false;
    const size = args ? args.SIZE : undefined;
    const announced = typeof size === 'string' && /^\d{1,15}$/.test(size) ? Number(size) : 0;
    if (quota.limitBytes > 0 && quota.usedBytes + announced >= quota.limitBytes) {
      throw this.refuse('overQuota', replies.overQuota(rcpt, this.options.overQuota ?? 'permanent'));
    }
    this.recipients.set(address, recipient);
  }

  private async receive(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
  ): Promise<(string | Error)[]> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) {
      // Past the limit the rest is only drained: smtp-server answers 552 5.3.4 for every recipient.
      if (!stream.sizeExceeded) chunks.push(chunk as Buffer);
    }
    const rcpts = session.envelope.rcptTo;
    if (stream.sizeExceeded) {
      this.counters.tooLarge += rcpts.length;
      this.counters.rejections += rcpts.length;
      // smtp-server replaces these with its own 552 5.3.4 (rejectOversized); never a 250 here.
      return rcpts.map(() => replies.reply(552, 'message too large'));
    }
    const data = Buffer.concat(chunks);
    const problem = messageDataProblem(data);
    if (problem) {
      this.log('warn', 'LMTP message refused', { reason: problem, session: session.id });
      return rcpts.map(() => this.refuse('badData', replies.badData(problem)));
    }
    // One delivery per mailbox even if several of its addresses were given; each address gets a reply.
    const id = randomBytes(8).toString('hex');
    const byUser = new Map<string, Promise<string | Error>>();
    const answers = rcpts.map((address) => {
      const recipient = this.recipients.get(address);
      if (!recipient)
        return Promise.resolve(replies.temporaryFailure(address.address, 'recipient not checked'));
      let delivery = byUser.get(recipient.user);
      if (!delivery) {
        delivery = this.deliver(recipient, address.address.toLowerCase(), data, session, id);
        byUser.set(recipient.user, delivery);
      }
      return delivery;
    });
    return Promise.all(answers);
  }

  private async deliver(
    recipient: MailRecipient,
    rcpt: string,
    data: Buffer,
    session: SMTPServerSession,
    id: string,
  ): Promise<string | Error> {
    try {
      return await this.holds.track(recipient.user, async () => {
        // A hold may have started after RCPT: nothing may land once hold() has returned.
        if (this.holds.isHeld(recipient.user)) throw new MailStorageError('held', 'held');
        if (this.options.isRedelivery?.(recipient.user, data)) {
          this.log('info', 'LMTP delivery already held from before a failover: not stored twice', {
            user: recipient.user,
          });
          return `<${rcpt}> ${id} delivered before the failover (not stored twice)`;
        }
        const headers = traceHeaders({
          sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipient: rcpt,
          clientName: session.hostNameAppearsAs ?? '',
          clientAddress: session.remoteAddress,
          serverName: this.options.serverName,
          id,
          at: new Date(),
        });
        const message = Buffer.concat([headers, data]);
        const mailbox = await this.options.storage.mailbox(recipient.user, recipient.quotaBytes);
        const { uid } = await appendDelivered(
          mailbox,
          recipient.spamToJunk === true && isFlaggedSpam(data),
          message,
        );
        // The fence again, after the message is durable: a node fenced meanwhile (stopped, cut
        // off, failed over) gives no 250; the director delivers it to the store's new node.
        if (!(await this.serves(recipient)))
          return this.refuse('temporaryFailures', replies.temporaryFailure(rcpt, notServedHere(recipient)));
        this.counters.deliveries++;
        this.counters.deliveredBytes += message.length;
        return `<${rcpt}> ${id} delivered (uid ${uid})`;
      });
    } catch (error) {
      if (error instanceof MailStorageError && error.code === 'held')
        return this.refuse('held', replies.held(rcpt));
      if (error instanceof MailStorageError && error.code === 'over-quota') {
        return this.refuse('overQuota', replies.overQuota(rcpt, this.options.overQuota ?? 'permanent'));
      }
      return this.refuse(
        'temporaryFailures',
        replies.temporaryFailure(rcpt, 'local error in processing'),
        error,
      );
    }
  }

  /** Whether the failover fence lets this node serve the recipient's store now. */
  private async serves(recipient: MailRecipient): Promise<boolean> {
    const { mayServe } = this.options;
    return !mayServe || recipient.store === undefined || (await mayServe(recipient.store));
  }

  private refuse(
    counter: 'unknownUser' | 'overQuota' | 'held' | 'badData' | 'temporaryFailures',
    error: replies.ReplyError,
    cause?: unknown,
  ): replies.ReplyError {
    this.counters[counter]++;
    this.counters.rejections++;
    if (cause !== undefined) {
      this.log('error', 'LMTP delivery failed', {
        reply: error.message,
        error: String((cause as Error)?.message ?? cause),
      });
    }
    return error;
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}

function notServedHere(recipient: MailRecipient): string {
  return `mail store ${recipient.store ?? ''} is not served by this node now`;
}

/** A refusal at connect; smtp-server sends it without an automatic enhanced code, so the text has one. */
function connectRefusal(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** Whether the gateway flagged the message as spam (`X-Spam-Flag: YES` in its header). */
function isFlaggedSpam(data: Buffer): boolean {
  const end = data.indexOf('\r\n\r\n');
  const header = data.subarray(0, end < 0 ? Math.min(data.length, 65_536) : end).toString('latin1');
  return /^X-Spam-Flag:[ \t]*YES\b/im.test(header);
}

/**
 * Stores a delivery: in INBOX, or for a user who files spam away, flagged spam in Junk (made
 * first if the user has never logged in, which is when the special-use folders are made).
 */
async function appendDelivered(
  mailbox: UserMailbox,
  toJunk: boolean,
  message: Buffer,
): Promise<{ uid: number }> {
  if (!toJunk) return mailbox.append('INBOX', message);
  const folders = await mailbox.listFolders();
  if (!folders.some((f) => f.name === 'Junk')) {
    // Two deliveries at once may both make it; the one that finds it made goes on.
    await mailbox.createFolder('Junk', { specialUse: '\\Junk' }).catch(() => {});
  }
  return mailbox.append('Junk', message);
}
