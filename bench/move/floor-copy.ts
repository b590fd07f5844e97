/**
 * The move-floor bench's two processes (floor-bench.ts): the least a Maildir copy between two store
 * agents costs in Node through ssh2, with no engine around it. One process serves the Maildir over
 * SSH, the other pulls it into a new Maildir:
 *
 *     node floor-copy.js serve MAILDIR HOSTKEY     prints its port, serves one pull, exits
 *     node floor-copy.js pull PORT TOKEN TARGET    pulls into TARGET, flushes it, exits
 *
 * Each side does what a move's must: the source reads every file and its SHA-256, the target
 * writes every file new (O_EXCL, its mtime) with its SHA-256 and flushes the file system once at
 * the end (started ahead every 128 MiB, as the engine does). What it leaves out is what the engine adds: folders, UIDs, flags, the journal, frames
 * per message, threads. The stream is records of about 1 MiB, each written to the channel once:
 *
 *     u16 name length | name | u32 size | f64 mtime (ms) | body    (repeated)
 *
 * Each process prints one JSON line when it is done: its wall and CPU seconds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  futimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import ssh2 from 'ssh2';

const recordBytes = 1024 * 1024;
// As the engine's bulk round does (mailbox-copy.ts): a flush started, not waited for, each time
// this much was written, so the disk writes while the copy goes on and the last flush is short.
const flushAheadBytes = 128 * 1024 * 1024;
const subfolders = ['cur', 'new'] as const;

/** What each process prints at its end. */
export interface FloorFigures {
  role: 'serve' | 'pull';
  files: number;
  bytes: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** The target's flush of the file system at the end (included in wallSeconds). */
  flushSeconds?: number;
}

function report(figures: FloorFigures): void {
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function cpuSeconds(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1e6;
}

/** Writes the Maildir's files to `out` as records; resolves with the files and bytes sent. */
async function sendMaildir(maildir: string, out: Writable): Promise<{ files: number; bytes: number }> {
  let record = Buffer.allocUnsafe(recordBytes * 2);
  let used = 0;
  let files = 0;
  let bytes = 0;
  const send = async () => {
    if (used === 0) return;
    // A copy: the channel may hold the buffer until it is encrypted, and the record is reused.
    if (!out.write(Buffer.from(record.subarray(0, used))))
      await new Promise((resolve) => out.once('drain', resolve));
    used = 0;
  };
  for (const sub of subfolders) {
    for (const name of readdirSync(join(maildir, sub))) {
      const fd = openSync(join(maildir, sub, name), 'r');
      try {
        const { size, mtimeMs } = fstatSync(fd);
        const path = Buffer.from(`${sub}/${name}`, 'latin1');
        const need = 14 + path.length + size;
        if (used + need > record.length) await send();
        if (need > record.length) record = Buffer.allocUnsafe(need);
        record.writeUInt16BE(path.length, used);
        path.copy(record, used + 2);
        record.writeUInt32BE(size, used + 2 + path.length);
        record.writeDoubleBE(mtimeMs, used + 6 + path.length);
        const at = used + 14 + path.length;
        for (let got = 0; got < size; ) {
          const n = readSync(fd, record, at + got, size - got, null);
          if (n === 0) throw new Error(`${name} ended early`);
          got += n;
        }
        createHash('sha256')
          .update(record.subarray(at, at + size))
          .digest();
        used = at + size;
        files++;
        bytes += size;
        if (used >= recordBytes) await send();
      } finally {
        closeSync(fd);
      }
    }
  }
  await send();
  return { files, bytes };
}

/** Bytes received and not yet taken, as the chunks they came in (taken as views where they can be). */
class Received {
  private readonly chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next `n` bytes (at most `length`): a view inside one chunk, else a copy. */
  take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.length -= n;
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    for (let filled = 0; filled < n; ) {
      const chunk = this.chunks[0]!;
      const k = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, k);
      filled += k;
      if (k === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(k);
    }
    return out;
  }

  /** The next big-endian u16 (at least 2 bytes received), not taken. */
  peekUInt16(): number {
    const first = this.chunks[0]!;
    if (first.length >= 2) return first.readUInt16BE(0);
    return (first[0]! << 8) | this.chunks[1]![0]!;
  }
}

/** Reads records from `input` and writes each file new under `target`. */
async function receiveMaildir(input: Readable, target: string): Promise<{ files: number; bytes: number }> {
  for (const sub of [...subfolders, 'tmp']) mkdirSync(join(target, sub), { recursive: true, mode: 0o700 });
  const received = new Received();
  let head: { path: string; size: number; mtime: number } | undefined;
  let files = 0;
  let bytes = 0;
  let unflushed = 0;
  let flushing = false;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    received.push(chunk);
    if (unflushed >= flushAheadBytes && !flushing) {
      flushing = true;
      unflushed = 0;
      spawn('sync', ['-f', target], { stdio: 'ignore' }).once('exit', () => {
        flushing = false;
      });
    }
    for (;;) {
      if (!head) {
        if (received.length < 2) break;
        const nameLength = received.peekUInt16();
        if (received.length < 14 + nameLength) break;
        const bytesOfHead = received.take(14 + nameLength);
        head = {
          path: bytesOfHead.toString('latin1', 2, 2 + nameLength),
          size: bytesOfHead.readUInt32BE(2 + nameLength),
          mtime: bytesOfHead.readDoubleBE(6 + nameLength) / 1000,
        };
      }
      if (received.length < head.size) break;
      const body = received.take(head.size);
      const fd = openSync(join(target, head.path), 'wx', 0o600);
      try {
        for (let put = 0; put < body.length; ) put += writeSync(fd, body, put, body.length - put);
        futimesSync(fd, head.mtime, head.mtime);
      } finally {
        closeSync(fd);
      }
      createHash('sha256').update(body).digest();
      files++;
      bytes += body.length;
      unflushed += body.length;
      head = undefined;
    }
  }
  if (head || received.length > 0) throw new Error('the stream ended inside a file');
  return { files, bytes };
}

/** Serves one pull of `maildir`, then exits. Prints the port, then the password, on stdout. */
function serve(maildir: string, hostKeyFile: string): void {
  const token = randomBytes(24).toString('hex');
  const began = { wall: 0, cpu: 0 };
  const server = new ssh2.Server({ hostKeys: [readFileSync(hostKeyFile)] }, (client) => {
    client.on('authentication', (context) => {
      const given = context.method === 'password' ? Buffer.from(context.password) : Buffer.alloc(0);
      const wanted = Buffer.from(token);
      if (given.length === wanted.length && timingSafeEqual(given, wanted)) context.accept();
      else context.reject(['password']);
    });
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec) => {
        const channel = acceptExec();
        began.wall = performance.now();
        began.cpu = cpuSeconds();
        sendMaildir(maildir, channel).then(
          ({ files, bytes }) => {
            channel.exit(0);
            channel.end();
            report({
              role: 'serve',
              files,
              bytes,
              wallSeconds: (performance.now() - began.wall) / 1000,
              cpuSeconds: cpuSeconds() - began.cpu,
            });
            client.once('close', () => process.exit(0));
          },
          (error: unknown) => {
            process.stderr.write(`${String(error)}\n`);
            process.exit(1);
          },
        );
      });
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no port');
    process.stdout.write(`${address.port} ${token}\n`);
  });
}

/** Pulls from the server on `port` into `target`, flushes, prints its figures and exits. */
function pull(port: number, token: string, target: string): void {
  const began = { wall: performance.now(), cpu: cpuSeconds() };
  const client = new ssh2.Client();
  client.on('error', (error) => {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  });
  client.on('ready', () => {
    client.exec('pull', (error, channel) => {
      if (error) throw error;
      receiveMaildir(channel, target).then(
        ({ files, bytes }) => {
          const flushBegan = performance.now();
          execFileSync('sync', ['-f', target]);
          const now = performance.now();
          report({
            role: 'pull',
            files,
            bytes,
            wallSeconds: (now - began.wall) / 1000,
            cpuSeconds: cpuSeconds() - began.cpu,
            flushSeconds: (now - flushBegan) / 1000,
          });
          client.end();
          process.exit(0);
        },
        (failure: unknown) => {
          process.stderr.write(`${String(failure)}\n`);
          process.exit(1);
        },
      );
    });
  });
  // The host key is the bench's own, made for this run, on loopback: not checked here.
  client.connect({ host: '127.0.0.1', port, username: 'floor', password: token, hostVerifier: () => true });
}

const [role, ...args] = process.argv.slice(2);
if (role === 'serve' && args.length === 2) serve(args[0]!, args[1]!);
else if (role === 'pull' && args.length === 3) pull(Number(args[0]), args[1]!, args[2]!);
else {
  process.stderr.write('usage: floor-copy.js serve MAILDIR HOSTKEY | pull PORT TOKEN TARGET\n');
  process.exit(2);
}
