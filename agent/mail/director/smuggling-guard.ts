/**
 * SMTP smuggling defence on the raw bytes of a connection. smtp-server accepts a bare LF as a
 * command line end and leaves `<LF>.<CR><LF>` in DATA, which lets a message hide a second message
 * that another hop would split off. Like Postfix's `smtpd_forbid_bare_newline`, any bare LF or bare
 * CR anywhere in the session is refused with 521 and the connection is closed: no message from that
 * session is queued after it.
 */
import type { Socket } from 'node:net';

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
