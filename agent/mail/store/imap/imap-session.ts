/**
 * One IMAP connection: reads commands in order (pull-based, so pipelined input waits in the
 * socket), runs them one at a time, writes untagged updates before each tagged reply, and keeps
 * per-session state small (the storage's folder view is the sequence-number map).
 */
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { TLSSocket } from 'node:tls';
import { deflateStreams } from '../../protocol/imap/compression.js';
import { ImapCommandReader, type ImapReaderEvent } from '../../protocol/imap/imap-command-reader.js';
import { preLoginReaderLimits } from '../../protocol/imap/imap-limits.js';
import { ResponseWriter } from '../../protocol/imap/imap-output.js';
import { MailStorageError, type UserMailbox } from '../mail-storage.js';
import { capabilities } from './capabilities.js';
import { runCommand } from './command-runner.js';
import { bad, responseText } from './imap-errors.js';
import type { ImapSessionContext } from './imap-session-context.js';
import type { ModseqMode, SelectedFolder } from './selected-folder.js';

/** RFC 3501 connection states. */
export type SessionState = 'not-authenticated' | 'authenticated' | 'selected' | 'logout';

/** One client connection. */
export class ImapSession {
  state: SessionState = 'not-authenticated';
  user: string | undefined;
  mailbox: UserMailbox | undefined;
  selected: SelectedFolder | undefined;
  /** Failed logins on this connection. */
  failedLogins = 0;
  /** Set by a command that must end the connection once its tagged reply is out (BYE text). */
  closeAfterReply: string | undefined;
  /** In IDLE: changes to the selected folder are sent as they happen. */
  idling = false;
  /** RFC 7162: CONDSTORE/QRESYNC turned on for this session (ENABLE, or a CONDSTORE-enabling command). */
  readonly modseqMode: ModseqMode = { condstore: false, qresync: false };
  readonly since: number;
  readonly clientAddress: string;
  readonly out: ResponseWriter;
  private readonly reader: ImapCommandReader;
  /** Where commands come from: the socket, or the inflater after COMPRESS (paused for back-pressure). */
  private input: Readable;
  private compressing = false;
  private inflater: Readable | undefined;
  private timer: NodeJS.Timeout | undefined;
  private inputWaiter: (() => void) | undefined;
  private inputEnded = false;
  private closed = false;
  private stopWatching: (() => void) | undefined;
  private idleRefresh: Promise<void> = Promise.resolve();
  private idleRefreshQueued = false;
  private idleCheck: NodeJS.Timeout | undefined;

  constructor(
    private socket: Socket,
    readonly context: ImapSessionContext,
    public secure: boolean,
    private readonly onClosed: (session: ImapSession) => void,
  ) {
    this.since = context.now();
    this.clientAddress = socket.remoteAddress ?? 'unknown';
    this.out = new ResponseWriter(socket);
    // Small limits until login (imap-limits.ts); enterAuthenticated lifts them.
    this.reader = new ImapCommandReader(preLoginReaderLimits(context.limits));
    this.input = socket;
  }

  /** Greets the client and starts reading commands. */
  start(greeting = 'mailfleet IMAP4rev1 ready'): void {
    this.listen(this.socket);
    this.socket.on('close', this.onClose);
    this.armTimer(this.context.limits.preAuthTimeoutMs);
    this.out.line(`* OK [CAPABILITY ${this.capabilities().join(' ')}] ${responseText(greeting)}`);
    this.out.flush();
    void this.run();
  }

  /** The capability list for this session now. */
  capabilities(): string[] {
    return capabilities({
      authenticated: this.state !== 'not-authenticated',
      secure: this.secure,
      tlsAvailable: this.context.secureContext !== undefined,
      loginAllowed: this.loginAllowed(),
      appendLimit: this.context.limits.maxAppendBytes,
    });
  }

  /** Plaintext credentials are accepted over TLS, from loopback (as Dovecot does), or when configured. */
  loginAllowed(): boolean {
    if (this.secure || this.context.allowPlaintextAuth) return true;
    if (!this.context.trustLoopback) return false;
    const address = this.clientAddress.replace(/^::ffff:/, '');
    return address === '::1' || /^127\./.test(address);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends `* BYE` and closes the connection (kick, shutdown, timeout, too many failures). */
  closeWithBye(text: string): void {
    if (this.closed) return;
    this.out.line(`* BYE ${responseText(text)}`);
    this.close();
  }

  /** Flushes what is written and closes; the socket is destroyed if the peer does not close soon. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.state = 'logout';
    this.out.end();
    setTimeout(() => this.socket.destroy(), 2000).unref();
    this.cleanup();
  }

  /** After login: the mailbox is open and its changes are watched for this session. */
  enterAuthenticated(user: string, mailbox: UserMailbox): void {
    this.user = user;
    this.mailbox = mailbox;
    this.state = 'authenticated';
    this.reader.applyLimits(this.context.limits);
    this.stopWatching = mailbox.onChange((folder) => this.onMailboxChange(folder));
    this.armTimer(this.context.limits.idleTimeoutMs);
  }

  /** Leaves the selected state (CLOSE, UNSELECT, a new SELECT). */
  unselect(): void {
    this.selected?.view.close();
    this.selected = undefined;
    if (this.state === 'selected') this.state = 'authenticated';
  }

  /** Picks up changes to the selected folder and writes the untagged responses. */
  async refreshSelected(): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    try {
      const lines = await selected.refresh();
      // Everything gone may mean the folder itself was deleted by another session: check once.
      if (lines.length > 0 && selected.messages().length === 0)
        await this.mailbox?.folderStatus(selected.name);
      for (const line of lines) this.out.line(line);
    } catch (error) {
      if (error instanceof MailStorageError && error.code === 'no-such-folder') {
        // Another session deleted the selected folder: its sequence numbers mean nothing any more.
        this.closeWithBye('The selected mailbox was deleted by another session');
        return;
      }
      this.context.log.warn('imap refresh failed', { user: this.user, error: String(error) });
    }
  }

  /** Reads one raw line (AUTHENTICATE responses, IDLE's DONE); null when the connection closed. */
  async readLine(): Promise<Buffer | null> {
    for (;;) {
      if (this.closed) return null;
      const event = this.reader.next('line');
      if (event === null) {
        if (this.inputEnded) return null;
        await this.waitForInput();
        continue;
      }
      if (event.kind === 'line') return event.text;
      if (event.kind === 'refused') {
        if (event.close) {
          this.closeWithBye(event.message);
          return null;
        }
        throw bad(event.message, event.code);
      }
    }
  }

  /** IDLE: while true, changes to the selected folder are written as they happen. */
  async setIdle(idling: boolean): Promise<void> {
    this.idling = idling;
    if (this.idleCheck) clearInterval(this.idleCheck);
    this.idleCheck = undefined;
    if (idling) {
      // Other programs' changes to the files send no notification: look now and then.
      this.idleCheck = setInterval(() => {
        if (this.selected) this.onMailboxChange(this.selected.name);
      }, this.context.limits.idleCheckIntervalMs);
      this.idleCheck.unref();
    }
    if (!idling) await this.idleRefresh;
  }

  /** STARTTLS, right after its OK went out: nothing read in clear after it may count (CVE-2011-0411). */
  startTls(): void {
    const secureContext = this.context.secureContext;
    if (!secureContext || this.closed) return;
    this.reader.reset();
    const plain = this.socket;
    plain.off('data', this.onData);
    plain.off('end', this.onEnd);
    const secure = new TLSSocket(plain, { isServer: true, secureContext });
    this.socket = secure;
    this.input = secure;
    this.out.setSocket(secure);
    this.listen(secure);
    secure.once('secure', () => {
      this.secure = true;
    });
  }

  /** COMPRESS=DEFLATE is on (RFC 4978). */
  get compressed(): boolean {
    return this.compressing;
  }

  /** COMPRESS, right after its OK went out: from now on both directions are raw DEFLATE (RFC 4978). */
  startCompression(): void {
    if (this.closed || this.compressing) return;
    this.compressing = true;
    const { inflate, deflate } = deflateStreams();
    const socket = this.socket;
    socket.off('data', this.onData);
    socket.off('end', this.onEnd);
    // The end of input is the inflater's end, after it has given out everything it was sent.
    inflate.on('data', this.onData);
    inflate.on('end', this.onEnd);
    for (const stream of [inflate, deflate]) {
      stream.on('error', (error: NodeJS.ErrnoException) => {
        // A client that hangs up ends its stream mid-block: that is an end of input, not a fault.
        if (stream === inflate && error.code === 'Z_BUF_ERROR') return this.onEnd();
        this.context.log.warn('imap compression failed', { user: this.user, error: String(error) });
        socket.destroy();
      });
    }
    this.inflater = inflate;
    // Anything the client sent after the command was already compressed.
    const early = this.reader.takeBuffered();
    socket.pipe(inflate);
    if (early.length > 0) inflate.write(early);
    this.input = inflate;
    this.out.compress(deflate);
  }

  private listen(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
  }

  private readonly onData = (chunk: Buffer): void => {
    if (this.closed) return;
    this.reader.push(chunk);
    this.timer?.refresh();
    // Back-pressure: stop reading while unprocessed input piles up (pipelined commands).
    if (this.reader.bufferedBytes > this.context.limits.maxBufferedInput) this.input.pause();
    this.wake();
  };

  private readonly onEnd = (): void => {
    this.inputEnded = true;
    this.wake();
  };

  private readonly onError = (): void => {
    // A reset or TLS failure: 'close' follows and cleans up.
  };

  private readonly onClose = (): void => {
    this.closed = true;
    this.state = 'logout';
    this.cleanup();
    this.wake();
  };

  private cleanupDone = false;

  private cleanup(): void {
    if (this.cleanupDone) return;
    this.cleanupDone = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.idleCheck) clearInterval(this.idleCheck);
    this.stopWatching?.();
    // Nothing more is read: input still arriving is not inflated for nothing.
    if (this.inflater) {
      this.socket.unpipe();
      this.inflater.destroy();
    }
    this.selected?.view.close();
    this.selected = undefined;
    this.onClosed(this);
  }

  private wake(): void {
    const waiter = this.inputWaiter;
    this.inputWaiter = undefined;
    waiter?.();
  }

  private waitForInput(): Promise<void> {
    this.out.flush();
    if (this.input.isPaused()) this.input.resume();
    return new Promise((resolve) => {
      this.inputWaiter = resolve;
    });
  }

  private armTimer(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.closeWithBye('Autologout; idle for too long'), ms);
  }

  private onMailboxChange(folder: string): void {
    const selected = this.selected;
    if (!selected || folder !== selected.name) return;
    selected.dirty = true;
    if (!this.idling || this.idleRefreshQueued) return;
    this.idleRefreshQueued = true;
    this.idleRefresh = this.idleRefresh.then(async () => {
      this.idleRefreshQueued = false;
      if (!this.idling || this.closed) return;
      await this.refreshSelected();
      this.out.flush();
    });
  }

  private async run(): Promise<void> {
    try {
      while (!this.closed) {
        const event = this.reader.next('command');
        if (event === null) {
          if (this.inputEnded) {
            this.close();
            return;
          }
          await this.waitForInput();
          continue;
        }
        await this.handle(event);
        if (this.out.congested) await this.out.drained();
      }
    } catch (error) {
      this.context.log.error('imap session failed', { error: String(error), user: this.user });
      this.socket.destroy();
    }
  }

  private async handle(event: ImapReaderEvent): Promise<void> {
    switch (event.kind) {
      case 'continue':
        this.out.line('+ Ready for literal data');
        this.out.flush();
        return;
      case 'refused': {
        const code = `[${event.code}] `;
        this.out.line(
          `${event.tag ?? '*'} ${event.tag ? event.status : 'BAD'} ${code}${responseText(event.message)}`,
        );
        if (event.close) this.closeWithBye('Input can no longer be followed');
        return;
      }
      case 'command':
        await runCommand(this, event.lines, event.literals);
        return;
      case 'line':
        return;
    }
  }
}
