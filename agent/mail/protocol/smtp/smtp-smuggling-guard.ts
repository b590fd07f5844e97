/**
 * SMTP smuggling defence, shared by every SMTP listener that takes mail from outside the node (the
 * gateway's edge, the director's inbound and submission ports). smtp-server accepts a bare LF as a
 * command line end and leaves `<LF>.<CR><LF>` in DATA, which lets a message hide a second message
 * that another hop would split off. Like Postfix's `smtpd_forbid_bare_newline`, any bare LF or bare
 * CR anywhere in the session is refused with 521 and the connection is closed: no message from that
 * session is taken after it. NUL bytes in DATA are refused with 550 5.6.0 (RFC 5322 forbids them and
 * they break IMAP clients), the session goes on.
 */
import type { Socket } from 'node:net';
import type { SMTPServer, SMTPServerSession } from 'smtp-server';
import { messageDataProblem } from './message-data-check.js';

/** The reply sent before closing. */
export const bareLineEndReply = '521 5.5.2 bare LF or CR in SMTP input refused (SMTP smuggling); closing\r\n';

/** Watches a socket's input; `onBareLineEnd` runs once, before smtp-server sees the chunk. */
export function guardLineEnds(socket: Socket, onBareLineEnd: () => void): void {
  let previous = 0;
  let tripped = false;
  socket.prependListener('data', (chunk: Buffer) => {
    if (tripped) return;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      const before = i === 0 ? previous : (chunk[i - 1] as number);
      const bareLf = byte === 0x0a && before !== 0x0d;
      // A CR must be followed by LF; at a chunk end the next chunk decides.
      const bareCr = before === 0x0d && byte !== 0x0a && i > 0;
      const bareCrAcross = i === 0 && previous === 0x0d && byte !== 0x0a;
      if (bareLf || bareCr || bareCrAcross) {
        tripped = true;
        onBareLineEnd();
        return;
      }
    }
    previous = chunk.length > 0 ? (chunk[chunk.length - 1] as number) : previous;
  });
}

/** An SMTP reply carried as an error, as smtp-server expects. */
function smtpReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * The guard of one SMTP server (one or more smtp-server listeners): watches each connection's raw
 * bytes (and the decrypted ones after STARTTLS or on an implicit-TLS port), closes a connection that
 * sends a bare line end, and refuses anything that session still has in flight.
 */
export class SmtpSmugglingGuard {
  /** `address:port` of connections that sent a bare LF or CR. */
  private readonly tainted = new Set<string>();

  constructor(private readonly log?: (message: string, fields: Record<string, unknown>) => void) {}

  /**
   * Watches every plain connection of `server` before smtp-server parses a byte. On an
   * implicit-TLS listener the raw bytes are ciphertext: there `onSecure` must call {@link watch}.
   */
  attach(server: SMTPServer, implicitTls: boolean): void {
    if (implicitTls) return;
    server.server.prependListener('connection', (socket: Socket) =>
      this.watch(socket, socket.remoteAddress, socket.remotePort),
    );
  }

  /** Watches one socket (the plain one at connect, the decrypted one in `onSecure`). */
  watch(socket: Socket, address: string | undefined, port: number | undefined): void {
    guardLineEnds(socket, () => {
      this.tainted.add(`${address}:${port}`);
      this.log?.('bare line end: session closed', { client: address });
      socket.end(bareLineEndReply);
    });
  }

  /** The 521 refusal for a command of a session that sent a bare line end, else undefined. */
  refusal(session: SMTPServerSession): Error | undefined {
    if (!this.tainted.has(`${session.remoteAddress}:${session.remotePort}`)) return undefined;
    return smtpReply(521, '5.5.2 bare LF or CR in SMTP input refused (SMTP smuggling)');
  }

  /** Forgets a closed session. */
  forget(session: SMTPServerSession): void {
    this.tainted.delete(`${session.remoteAddress}:${session.remotePort}`);
  }

  /** The refusal of a whole DATA: the session's taint, else NUL bytes or bare line ends in it. */
  dataRefusal(session: SMTPServerSession, data: Buffer): Error | undefined {
    const tainted = this.refusal(session);
    if (tainted) return tainted;
    const problem = messageDataProblem(data);
    return problem ? smtpReply(550, `5.6.0 ${problem}`) : undefined;
  }
}
