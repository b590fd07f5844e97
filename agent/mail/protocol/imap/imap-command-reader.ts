/**
 * Frames the client's byte stream into IMAP commands: lines, and the literals announced at their
 * ends (`{n}` synchronising, `{n+}` non-synchronising, RFC 7888). Every size is checked against a
 * limit before a byte of it is buffered, so a client announcing a 4 GB literal costs nothing.
 *
 * The reader is pull-based: the session calls {@link ImapCommandReader.next} only when it is ready
 * for more, so a sync literal's `+` continuation goes out in order, and pipelined input waits in the
 * socket (the session pauses reading once {@link ImapCommandReader.bufferedBytes} grows).
 */

/** Hard limits on what one command may make this process hold. */
export interface ImapReaderLimits {
  /** One line (between literals), CRLF excluded. */
  maxLineBytes: number;
  /** One literal in any command except APPEND. */
  maxLiteralBytes: number;
  /** The message literal of APPEND. */
  maxAppendBytes: number;
  /** All lines and literals of one command, the APPEND message aside. */
  maxCommandBytes: number;
  /** Literals in one command. */
  maxLiterals: number;
  /** Bytes of a refused non-synchronising literal or overlong line read and dropped before hanging up. */
  maxDiscardBytes: number;
}

/** Why framing refused a command; `TOOBIG` is the RFC 4469/7888 response code. */
export type ReaderRefusalCode = 'TOOBIG' | 'LIMIT';

/** What {@link ImapCommandReader.next} produces. */
export type ImapReaderEvent =
  /** A whole command: `lines.length === literals.length + 1`; line i ends with the marker of literal i. */
  | { kind: 'command'; lines: Buffer[]; literals: Buffer[] }
  /** A synchronising literal was accepted: the session must send a `+` continuation now. */
  | { kind: 'continue' }
  /** A raw line, in line mode (IDLE's DONE, AUTHENTICATE responses). */
  | { kind: 'line'; text: Buffer }
  /**
   * The command was refused while being framed. `tag` is null when none could be read. With
   * `close`, the stream can no longer be followed and the connection must be closed after replying.
   */
  | {
      kind: 'refused';
      tag: string | null;
      /** NO for an APPEND message over the size limit (RFC 7889), BAD for broken or oversized commands. */
      status: 'NO' | 'BAD';
      code: ReaderRefusalCode;
      message: string;
      close: boolean;
    };

const empty = Buffer.alloc(0);
const literalMarker = /~?\{(\d{1,20})(\+?)\}$/;
const tagPattern = /^[\x21-\x7e]{1,64}$/;

type State =
  | { name: 'line' }
  | { name: 'literal'; remaining: number; parts: Buffer[] }
  | { name: 'discard-literal'; remaining: number }
  | { name: 'discard-line' };

/** The literal announced at the end of a line, if any. */
export function literalAnnouncement(line: Buffer): { size: number; sync: boolean } | null {
  const marker = literalMarker.exec(line.subarray(Math.max(0, line.length - 26)).toString('latin1'));
  return marker ? { size: Number(marker[1]), sync: marker[2] !== '+' } : null;
}

/** The tag a line starts with, if it looks like one (for replies to commands refused early). */
export function leadingTag(line: Buffer): string | null {
  const space = line.indexOf(0x20);
  const tag = line
    .subarray(0, space === -1 ? Math.min(line.length, 65) : Math.min(space, 65))
    .toString('latin1');
  return tagPattern.test(tag) && !tag.includes('+') ? tag : null;
}

/** Pull-based framer of one connection's input. */
export class ImapCommandReader {
  private buffer: Buffer = empty;
  /** Owned, growable space behind `buffer` once pending input had to be joined with a new chunk. */
  private storage: Buffer | undefined;
  private offset = 0;
  /** Where the next LF search starts, so a long line arriving in pieces is scanned once. */
  private scanFrom = 0;
  private state: State = { name: 'line' };
  private lines: Buffer[] = [];
  private literals: Buffer[] = [];
  private commandBytes = 0;
  private discarded = 0;
  /** After a refusal mid-command: the rest of that command is dropped. */
  private discardingCommand = false;
  /** After a refusal that closes the connection nothing more is read. */
  private closed = false;

  constructor(private limits: ImapReaderLimits) {}

  /** Changes the limits for the next commands (after login: the small pre-login ones give way). */
  applyLimits(limits: ImapReaderLimits): void {
    this.limits = limits;
  }

  /** Bytes received and not yet consumed. */
  get bufferedBytes(): number {
    return this.buffer.length - this.offset;
  }

  /** Adds bytes read from the socket. */
  push(chunk: Buffer): void {
    if (this.closed) return;
    const pending = this.buffer.length - this.offset;
    if (pending === 0) {
      // Nothing pending: use the chunk as it is, no copy. The offset restarts too: the previous
      // command may have consumed its buffer to the end without a later next() releasing it.
      this.buffer = chunk;
      this.storage = undefined;
      this.offset = 0;
      this.scanFrom = 0;
    } else if (this.storage && this.buffer.length + chunk.length <= this.storage.length) {
      chunk.copy(this.storage, this.buffer.length);
      this.buffer = this.storage.subarray(0, this.buffer.length + chunk.length);
    } else {
      // Grow by doubling: a line arriving a byte at a time costs linear copying, not quadratic.
      const storage = Buffer.allocUnsafe(Math.max(2 * (pending + chunk.length), 16 * 1024));
      this.buffer.copy(storage, 0, this.offset);
      chunk.copy(storage, pending);
      this.storage = storage;
      this.buffer = storage.subarray(0, pending + chunk.length);
      this.scanFrom = Math.max(0, this.scanFrom - this.offset);
      this.offset = 0;
    }
  }

  /** Drops everything buffered and any half-read command (after STARTTLS nothing sent in clear may count). */
  reset(): void {
    this.release();
    this.state = { name: 'line' };
    this.discardingCommand = false;
    this.startCommand();
  }

  /** Takes the bytes received and not yet framed (after COMPRESS they are compressed data). */
  takeBuffered(): Buffer {
    const rest = Buffer.from(this.buffer.subarray(this.offset));
    this.release();
    return rest;
  }

  /** The next event, or null when more input is needed. `mode: 'line'` reads one raw line. */
  next(mode: 'command' | 'line' = 'command'): ImapReaderEvent | null {
    if (this.closed) return null;
    const event = this.step(mode);
    if (event === null && this.offset >= this.buffer.length) this.release();
    return event;
  }

  /** All input consumed: drop the references, so an idle session does not pin socket chunks. */
  private release(): void {
    this.buffer = empty;
    this.storage = undefined;
    this.offset = 0;
    this.scanFrom = 0;
  }

  private step(mode: 'command' | 'line'): ImapReaderEvent | null {
    for (;;) {
      const state = this.state;
      if (state.name === 'literal') {
        if (!this.readLiteral(state)) return null;
        continue;
      }
      if (state.name === 'discard-literal') {
        const take = Math.min(state.remaining, this.bufferedBytes);
        this.offset += take;
        this.scanFrom = this.offset;
        state.remaining -= take;
        if (state.remaining > 0) return null;
        this.state = { name: 'line' };
        continue;
      }
      const line = this.readLine();
      if (line === null)
        return state.name === 'discard-line' ? this.discardPartialLine() : this.checkPartialLine();
      if (state.name === 'discard-line') {
        this.state = { name: 'line' };
        continue;
      }
      if (line.length > this.limits.maxLineBytes) {
        const tag = leadingTag(this.lines[0] ?? line);
        this.startCommand();
        if (mode === 'command' && this.discardingCommand) {
          this.discardingCommand = false;
          continue;
        }
        return this.refuse(tag, 'TOOBIG', `Line is longer than ${this.limits.maxLineBytes} bytes`, false);
      }
      if (mode === 'line') return { kind: 'line', text: line };
      const event = this.discardingCommand ? this.onDiscardedLine(line) : this.onCommandLine(line);
      if (event) return event;
    }
  }

  private startCommand(): void {
    this.lines = [];
    this.literals = [];
    this.commandBytes = 0;
  }

  private refuse(
    tag: string | null,
    code: ReaderRefusalCode,
    message: string,
    close: boolean,
    status: 'NO' | 'BAD' = 'BAD',
  ): ImapReaderEvent {
    if (close) {
      this.closed = true;
      this.release();
    }
    return { kind: 'refused', tag, status, code, message, close };
  }

  /** Rest of a refused command: follow its non-synchronising literals so their bytes are not taken for commands. */
  private onDiscardedLine(line: Buffer): ImapReaderEvent | null {
    const announced = literalAnnouncement(line);
    if (!announced || announced.sync) {
      this.discardingCommand = false;
      return null;
    }
    this.discarded += announced.size;
    if (this.discarded > this.limits.maxDiscardBytes) {
      this.discardingCommand = false;
      return this.refuse(null, 'TOOBIG', 'Too much data in a refused command', true);
    }
    this.state = { name: 'discard-literal', remaining: announced.size };
    return null;
  }

  private onCommandLine(line: Buffer): ImapReaderEvent | null {
    const first = this.lines[0] ?? line;
    this.commandBytes += line.length;
    this.lines.push(line);
    const announced = literalAnnouncement(line);
    if (!announced) {
      const event: ImapReaderEvent = { kind: 'command', lines: this.lines, literals: this.literals };
      this.startCommand();
      return event;
    }
    const { size, sync } = announced;
    const isAppend = first.subarray(0, 64).toString('latin1').split(' ')[1]?.toUpperCase() === 'APPEND';
    const literalLimit = isAppend ? this.limits.maxAppendBytes : this.limits.maxLiteralBytes;
    const commandLimit = this.limits.maxCommandBytes + (isAppend ? this.limits.maxAppendBytes : 0);
    let problem: { code: ReaderRefusalCode; message: string; status?: 'NO' } | null = null;
    if (size > literalLimit) {
      const what = isAppend ? 'Message' : 'Literal';
      problem = {
        code: 'TOOBIG',
        message: `${what} of ${size} bytes is larger than the limit of ${literalLimit}`,
      };
      // APPENDLIMIT (RFC 7889): a message over the limit is refused with NO [TOOBIG].
      if (isAppend) problem.status = 'NO';
    } else if (this.literals.length + 1 > this.limits.maxLiterals) {
      problem = { code: 'LIMIT', message: `More than ${this.limits.maxLiterals} literals in one command` };
    } else if (this.commandBytes + size > commandLimit) {
      problem = { code: 'TOOBIG', message: `Command is larger than the limit of ${commandLimit} bytes` };
      // Messages of a MULTIAPPEND together over the limit: refused like one large message (RFC 7889).
      if (isAppend) problem.status = 'NO';
    }
    if (!problem) {
      this.commandBytes += size;
      this.state = { name: 'literal', remaining: size, parts: [] };
      return sync ? { kind: 'continue' } : null;
    }
    const tag = leadingTag(first);
    this.startCommand();
    // A synchronising literal is never sent: the client waits for "+", and our tagged reply ends the command.
    if (sync) return this.refuse(tag, problem.code, problem.message, false, problem.status);
    // A non-synchronising one is on its way: drop it (RFC 7888 section 4) or, if too big to wait for, hang up.
    if (size > this.limits.maxDiscardBytes) return this.refuse(tag, problem.code, problem.message, true);
    this.discarded = size;
    this.discardingCommand = true;
    this.state = { name: 'discard-literal', remaining: size };
    return this.refuse(tag, problem.code, problem.message, false);
  }

  private readLiteral(state: { remaining: number; parts: Buffer[] }): boolean {
    if (state.remaining > 0) {
      const take = Math.min(state.remaining, this.bufferedBytes);
      if (take === 0) return false;
      // Copy: the literal must not pin the (possibly large) socket chunks it arrived in.
      state.parts.push(Buffer.from(this.buffer.subarray(this.offset, this.offset + take)));
      this.offset += take;
      this.scanFrom = this.offset;
      state.remaining -= take;
      if (state.remaining > 0) return false;
    }
    this.literals.push(state.parts.length === 1 ? state.parts[0]! : Buffer.concat(state.parts));
    this.state = { name: 'line' };
    return true;
  }

  /** One line without its CRLF (a bare LF is accepted too), or null if no line end is buffered yet. */
  private readLine(): Buffer | null {
    const newline = this.buffer.indexOf(0x0a, Math.max(this.offset, this.scanFrom));
    if (newline === -1) {
      this.scanFrom = this.buffer.length;
      return null;
    }
    let end = newline;
    if (end > this.offset && this.buffer[end - 1] === 0x0d) end--;
    const line = Buffer.from(this.buffer.subarray(this.offset, end));
    this.offset = newline + 1;
    this.scanFrom = this.offset;
    return line;
  }

  /** No line end buffered: refuse a line that is already too long rather than wait for the rest of it. */
  private checkPartialLine(): ImapReaderEvent | null {
    if (this.bufferedBytes <= this.limits.maxLineBytes + 1) return null;
    const tag = leadingTag(this.lines[0] ?? this.buffer.subarray(this.offset, this.offset + 65));
    const wasDiscarding = this.discardingCommand;
    this.startCommand();
    this.discardingCommand = false;
    this.discarded = this.bufferedBytes;
    this.offset = this.buffer.length;
    this.scanFrom = this.offset;
    this.state = { name: 'discard-line' };
    if (wasDiscarding) return null;
    return this.refuse(tag, 'TOOBIG', `Line is longer than ${this.limits.maxLineBytes} bytes`, false);
  }

  /** Drops the partial overlong line buffered so far; hangs up on a client that never ends it. */
  private discardPartialLine(): ImapReaderEvent | null {
    this.discarded += this.bufferedBytes;
    this.offset = this.buffer.length;
    this.scanFrom = this.offset;
    if (this.discarded <= this.limits.maxDiscardBytes) return null;
    this.state = { name: 'line' };
    this.discarded = 0;
    return this.refuse(null, 'TOOBIG', 'Line too long and never ended', true);
  }
}
