/**
 * Reads one raw line from an IMAP client outside command framing (the SASL response after
 * `AUTHENTICATE PLAIN` without an initial response), bounded by the command reader's line limit.
 */
import type { Socket } from 'node:net';
import type { ImapCommandReader } from '../protocol/imap/imap-command-reader.js';

/**
 * The next line, as latin1 text; `*` (cancel) when the reader refused it as too long; undefined
 * when the connection closed first. The caller must have taken its own `data` listener off.
 */
export function readClientLine(socket: Socket, reader: ImapCommandReader): Promise<string | undefined> {
  return new Promise((resolve) => {
    const finish = (line: string | undefined): void => {
      socket.removeListener('data', onData);
      socket.removeListener('close', onClose);
      socket.pause();
      resolve(line);
    };
    const tryRead = (): void => {
      const event = reader.next('line');
      if (event) finish(event.kind === 'line' ? event.text.toString('latin1') : '*');
    };
    const onData = (chunk: Buffer): void => {
      reader.push(chunk);
      tryRead();
    };
    const onClose = (): void => finish(undefined);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
    tryRead();
  });
}
