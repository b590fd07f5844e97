/**
 * A client of ClamAV's daemon (clamd, Debian's clamav-daemon) over its TCP socket: the message is
 * streamed with `zINSTREAM` (4-octet big-endian length before each chunk, a zero length at the end)
 * and clamd answers `stream: OK`, `stream: <signature> FOUND` or `... ERROR`. clamd unpacks MIME
 * parts and archives (zip included) itself. A deadline bounds every scan; anything but a clear
 * answer is an Error, so the gateway defers (451) rather than letting an unscanned message in.
 */
import { connect } from 'node:net';

/** What clamd found. */
export type VirusVerdict = { infected: false } | { infected: true; signature: string };

/** Options of a ClamdClient. */
export interface ClamdClientOptions {
  host: string;
  port: number;
  /** Whole-scan deadline (default 30 s). */
  timeoutMs?: number;
}

// clamd's StreamMaxLength defaults to 25 MB; chunks well under its buffer keep memory flat.
const chunkBytes = 64 * 1024;
// An answer is one short line; anything longer is not clamd.
const maxReplyBytes = 4096;

/** Scans messages with one clamd. */
export class ClamdClient {
  constructor(private readonly options: ClamdClientOptions) {}

  /** Where this client scans, for status displays. */
  get address(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  /** Scans one message. */
  scan(message: Buffer): Promise<VirusVerdict> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return new Promise<VirusVerdict>((resolve, reject) => {
      const socket = connect(this.options.port, this.options.host);
      let reply = Buffer.alloc(0);
      let settled = false;
      const finish = (error: Error | undefined, verdict?: VirusVerdict) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(verdict as VirusVerdict);
      };
      const timer = setTimeout(
        () => finish(new Error(`clamd at ${this.address} did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      socket.on('error', (error) => finish(new Error(`clamd at ${this.address}: ${error.message}`)));
      socket.on('data', (chunk: Buffer) => {
        reply = Buffer.concat([reply, chunk]);
        if (reply.length > maxReplyBytes)
          finish(new Error('clamd answered something too long to be a verdict'));
        const end = reply.indexOf(0);
        if (end >= 0) settle(reply.subarray(0, end).toString('utf8'));
      });
      socket.on('end', () => settle(reply.toString('utf8').replace(/\0+$/, '')));
      const settle = (text: string) => {
        const line = text.trim();
        if (/^stream: OK$/.test(line)) return finish(undefined, { infected: false });
        const found = /^stream: (.+) FOUND$/.exec(line);
        if (found?.[1]) return finish(undefined, { infected: true, signature: found[1] });
        finish(new Error(`clamd could not scan the message: ${line.slice(0, 200) || 'no answer'}`));
      };
      socket.once('connect', () => {
        socket.write('zINSTREAM\0');
        for (let offset = 0; offset < message.length; offset += chunkBytes) {
          const chunk = message.subarray(offset, offset + chunkBytes);
          const size = Buffer.alloc(4);
          size.writeUInt32BE(chunk.length, 0);
          socket.write(size);
          socket.write(chunk);
        }
        socket.write(Buffer.alloc(4));
      });
    });
  }
}
