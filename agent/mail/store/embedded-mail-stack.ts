/**
 * The `embedded` mail stack driver: MaildirStorage, the LMTP server, and the IMAP and POP3 servers,
 * all in the agent's process. Each service starts and stops on its own (the agent's service
 * registry restarts them one by one); IMAP and POP3 are built anew at each start, reading the TLS
 * certificate again, so a renewed certificate takes effect with `service.restart`.
 */
import type { Clock } from '../../common/clock.js';
import { loadMailTls, type MailTlsFiles } from '../protocol/tls/mail-tls.js';
import { LmtpServer, type LmtpServerOptions } from './lmtp/lmtp-server.js';
import type { AuthenticateMailLogin, MailRecipient, MailRecipientLookup } from './mail-login.js';
import type {
  DeliveryHoldInfo,
  MailActivity,
  MailboxDetail,
  MailboxImportSummary,
  MailboxRecord,
  MailSessionInfo,
  MailStack,
  StoreMailService,
} from './mail-stack.js';
import { type MailboxSummary, type MailStorage, MailStorageError, type QuotaUsage } from './mail-storage.js';
import { exportMailbox, importMailbox, mailboxDetail } from './mailbox-transfer.js';
import type { SessionService, SessionServiceFactory, SessionServiceOptions } from './session-servers.js';

/** Listen ports of the embedded stack (0 = a free port). */
export interface EmbeddedMailPorts {
  lmtp: number;
  imap: number;
  /** Implicit TLS; only with a certificate. */
  imaps?: number;
  pop3: number;
  pop3s?: number;
}

/** What the embedded stack is built with. */
export interface EmbeddedMailStackOptions {
  /** Where the services listen. */
  host: string;
  /** What the endpoints published in the directory name (the node's reachable address). */
  publishHost: string;
  ports: EmbeddedMailPorts;
  storage: MailStorage;
  recipientLookup: MailRecipientLookup;
  /** Who may deliver over LMTP (the directors); absent, anyone who reaches the port. */
  lmtpClientCheck?: LmtpServerOptions['clientCheck'];
  /** The failover fence (agent/failover/store-ownership.ts); absent: no fence. */
  mayServe?: LmtpServerOptions['mayServe'];
  /** Deliveries held from before a failover (agent/failover/redelivery-filter.ts). */
  isRedelivery?: LmtpServerOptions['isRedelivery'];
  authenticate: AuthenticateMailLogin;
  /** The certificate files; read at each IMAP/POP3 start. Without them no TLS is offered. */
  tlsFiles?: MailTlsFiles;
  maxMessageBytes: number;
  /** Name in greetings and Received headers. */
  serverName: string;
  allowPlaintextAuth: boolean;
  clock: Clock;
  /** Absent: no IMAP service. */
  imap?: SessionServiceFactory;
  pop3: SessionServiceFactory;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** The embedded driver. */
export class EmbeddedMailStack implements MailStack {
  readonly driver = 'embedded';
  private readonly lmtp: LmtpServer;
  private lmtpRunning = false;
  private readonly running = new Map<'imap' | 'pop3', SessionService>();
  private readonly holdReasons = new Map<string, { reason: string; since: number }>();
  private readonly totals = { logins: 0, failedLogins: 0, localDeliveries: 0, localBytes: 0 };
  private readonly countedAuthenticate: AuthenticateMailLogin;

  constructor(private readonly options: EmbeddedMailStackOptions) {
    this.lmtp = new LmtpServer({
      host: options.host,
      port: options.ports.lmtp,
      storage: options.storage,
      recipientLookup: options.recipientLookup,
      serverName: options.serverName,
      maxMessageBytes: options.maxMessageBytes,
      ...(options.lmtpClientCheck ? { clientCheck: options.lmtpClientCheck } : {}),
      ...(options.mayServe ? { mayServe: options.mayServe } : {}),
      ...(options.isRedelivery ? { isRedelivery: options.isRedelivery } : {}),
      log: options.log,
    });
    this.countedAuthenticate = async (login, password, clientAddress) => {
      const result = await options.authenticate(login, password, clientAddress);
      if (result.ok) this.totals.logins += 1;
      else this.totals.failedLogins += 1;
      return result;
    };
  }

  async startService(name: StoreMailService): Promise<string> {
    const { host } = this.options;
    if (name === 'lmtp') {
      await this.lmtp.start();
      this.lmtpRunning = true;
      return `lmtp on ${host}:${this.lmtp.port}`;
    }
    if (this.running.has(name)) throw new Error(`${name} is already running`);
    const tls = this.options.tlsFiles ? await loadMailTls(this.options.tlsFiles) : undefined;
    const plainPort = name === 'imap' ? this.options.ports.imap : this.options.ports.pop3;
    const tlsPort = name === 'imap' ? this.options.ports.imaps : this.options.ports.pop3s;
    const settings: SessionServiceOptions = {
      host,
      port: plainPort,
      ...(tls ? { tls } : {}),
      ...(tls && tlsPort !== undefined ? { tlsPort } : {}),
      storage: this.options.storage,
      authenticate: this.countedAuthenticate,
      clock: this.options.clock,
      maxMessageBytes: this.options.maxMessageBytes,
      hostname: this.options.serverName,
      allowPlaintextAuth: this.options.allowPlaintextAuth,
      log: this.options.log,
    };
    const factory = name === 'imap' ? this.options.imap : this.options.pop3;
    if (!factory) throw new Error(`this mail stack has no ${name} server`);
    const service = factory(settings);
    await service.start();
    this.running.set(name, service);
    const secure = name === 'imap' ? 'imaps' : 'pop3s';
    const tlsText = service.tlsPort === undefined ? '' : `, ${secure} on ${host}:${service.tlsPort}`;
    return `${name} on ${host}:${service.port}${tlsText}${tls ? ' (STARTTLS offered)' : ' (no certificate: no TLS)'}`;
  }

  async stopService(name: StoreMailService): Promise<void> {
    if (name === 'lmtp') {
      this.lmtpRunning = false;
      await this.lmtp.stop();
      return;
    }
    const service = this.running.get(name);
    this.running.delete(name);
    await service?.stop();
  }

  endpoints(): Record<string, string> {
    const at = (port: number) => `${this.options.publishHost}:${port}`;
    const endpoints: Record<string, string> = {};
    if (this.lmtpRunning) endpoints.lmtp = at(this.lmtp.port);
    for (const [name, service] of this.running) {
      endpoints[name] = at(service.port);
      if (service.tlsPort !== undefined) endpoints[name === 'imap' ? 'imaps' : 'pop3s'] = at(service.tlsPort);
    }
    return endpoints;
  }

  async deliver(
    recipient: MailRecipient,
    message: Buffer,
    folder = 'INBOX',
  ): Promise<{ uid: number; uidValidity: number }> {
    if (this.holdReasons.has(recipient.user.toLowerCase()))
      throw new MailStorageError('held', `deliveries to ${recipient.user} are held`);
    if (message.length > this.options.maxMessageBytes)
      throw new MailStorageError(
        'too-large',
        `the message is larger than ${this.options.maxMessageBytes} bytes`,
      );
    const mailbox = await this.options.storage.mailbox(recipient.user, recipient.quotaBytes);
    const added = await mailbox.append(folder, message);
    this.totals.localDeliveries += 1;
    this.totals.localBytes += message.length;
    return added;
  }

  async hold(user: string, reason: string): Promise<void> {
    const key = user.toLowerCase();
    if (!this.holdReasons.has(key)) this.holdReasons.set(key, { reason, since: this.options.clock.now() });
    await this.lmtp.hold(key);
  }

  release(user: string): void {
    const key = user.toLowerCase();
    this.holdReasons.delete(key);
    this.lmtp.release(key);
  }

  holds(): DeliveryHoldInfo[] {
    return [...this.holdReasons].map(([user, hold]) => ({ user, ...hold }));
  }

  sessions(): MailSessionInfo[] {
    return [...this.running.values()].flatMap((service) => service.sessions());
  }

  kick(user: string): number {
    let closed = 0;
    for (const service of this.running.values()) closed += service.kick(user.toLowerCase());
    return closed;
  }

  listMailboxes(): Promise<MailboxSummary[]> {
    return this.options.storage.listMailboxes();
  }

  mailboxDetail(user: string, quotaBytes: number): Promise<MailboxDetail> {
    return mailboxDetail(this.options.storage, user.toLowerCase(), quotaBytes);
  }

  async quota(user: string, quotaBytes: number): Promise<QuotaUsage> {
    return (await this.options.storage.mailbox(user, quotaBytes)).quota();
  }

  async *exportMailbox(user: string): AsyncGenerator<MailboxRecord> {
    const summary = (await this.listMailboxes()).find((mailbox) => mailbox.user === user.toLowerCase());
    if (!summary) throw new Error(`no mailbox ${user} on this node`);
    yield* exportMailbox(await this.options.storage.mailbox(summary.user, summary.quotaBytes));
  }

  async importMailbox(
    user: string,
    quotaBytes: number,
    records: AsyncIterable<MailboxRecord>,
  ): Promise<MailboxImportSummary> {
    return importMailbox(await this.options.storage.mailbox(user, quotaBytes), records);
  }

  activity(): MailActivity {
    const sessions = this.sessions();
    const lmtp = this.lmtp.counters;
    return {
      imapSessions: sessions.filter((session) => session.protocol === 'imap').length,
      pop3Sessions: sessions.filter((session) => session.protocol === 'pop3').length,
      loginsTotal: this.totals.logins,
      failedLoginsTotal: this.totals.failedLogins,
      deliveriesTotal: lmtp.deliveries + this.totals.localDeliveries,
      deliveredBytesTotal: lmtp.deliveredBytes + this.totals.localBytes,
    };
  }

  async close(): Promise<void> {
    const failures: unknown[] = [];
    for (const name of ['pop3', 'imap', 'lmtp'] as const) {
      await this.stopService(name).catch((error: unknown) => failures.push(error));
    }
    await this.options.storage.close();
    if (failures.length > 0) throw failures[0];
  }
}
