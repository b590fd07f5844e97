/**
 * Writes a batch of message files of a staging copy durably on a few worker threads, each file
 * with plain synchronous calls (open O_EXCL, write, futimes, fdatasync, close), and gives back each
 * body's SHA-256 computed there.
 *
 * Why threads and not the promise API: measured on the target of a 1 GiB move (20,000 messages),
 * the agent's main thread spent about 5 s only starting and finishing those five calls per file
 * through libuv's thread pool (which has 4 threads, shared with the store's own work), plus 1.5 s
 * digesting bodies, while it also has to decrypt SSH and parse frames. Here a batch costs the main
 * thread one copy of its bytes and two messages, and the files of a batch are written by several
 * threads at once (their fdatasyncs wait on the disk together).
 *
 * Durability is the same as `writeNewFileDurably`: a file is complete and fdatasynced when its
 * batch resolves; a failed write removes its file (the caller fsyncs the directories after). A
 * bulk copy asks for no fdatasync and flushes the file system once instead (staging-maildir.ts).
 */
import { type FileThread, FileThreads } from './file-thread.js';

/** One file to write. */
export interface MessageFile {
  path: string;
  body: Buffer;
  /** Its mtime (Dovecot's received date), ms since the epoch. */
  mtime: number;
}

// Threads writing at once. Their time is mostly spent waiting in the kernel (allocation,
// fdatasync), so more threads than the 2 cores here still overlap.
const writerThreads = 4;
// A thread is given this many files or bytes at a time (at least one file).
const pieceFiles = 16;
const pieceBytes = 512 * 1024;

/** The thread's code (file-thread.ts). */
const workerSource = `
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, files, memory, sync }) => {
  const shared = Buffer.from(memory);
  const digests = [];
  try {
    for (const file of files) {
      const body = shared.subarray(file.offset, file.offset + file.length);
      const fd = fs.openSync(file.path, 'wx', 0o600);
      try {
        let written = 0;
        while (written < body.length) written += fs.writeSync(fd, body, written, body.length - written);
        fs.futimesSync(fd, file.mtime / 1000, file.mtime / 1000);
        if (sync) fs.fdatasyncSync(fd);
      } catch (error) {
        fs.closeSync(fd);
        fs.rmSync(file.path, { force: true });
        throw error;
      }
      fs.closeSync(fd);
      digests.push(createHash('sha256').update(body).digest('hex'));
    }
    parentPort.postMessage({ id, digests });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

const threads = new FileThreads(workerSource, writerThreads);

// A piece's bodies reach its thread in shared memory: where they already are when the caller
// copied them into one SharedArrayBuffer (the move's body arenas, body-arena.ts), else copied into
// the thread's own shared buffer, allocated once (grown for a larger piece) and reused while the
// thread has no other piece of it in hand. Why not a new buffer per piece: that is 1 GiB of fresh
// memory per GiB written, and V8 answers memory outside its heap with garbage collections. Several
// writes run at once (a replica's streams, a failover's copies of many users), so a thread can be
// given a second piece before it has read the first: that piece gets a buffer of its own, never
// the one the thread is reading (measured the hard way: the failover tests hung on copies whose
// bodies a later piece had overwritten, and whose digests then never matched).
const threadBuffers = new WeakMap<FileThread, { bytes: Buffer; busy: boolean }>();
const minThreadBufferBytes = 2 * pieceBytes;

/** The shared memory all of `files` lie in, or undefined. */
function sharedMemoryOf(files: readonly MessageFile[]): SharedArrayBuffer | undefined {
  const memory = files[0]?.body.buffer;
  if (!(memory instanceof SharedArrayBuffer)) return undefined;
  return files.every((f) => f.body.buffer === memory) ? memory : undefined;
}

/** Writes files on one thread. */
async function writeOn(thread: FileThread, files: readonly MessageFile[], sync: boolean): Promise<string[]> {
  let memory = sharedMemoryOf(files);
  let lent: { busy: boolean } | undefined;
  let placed: Array<{ path: string; offset: number; length: number; mtime: number }>;
  if (memory) {
    placed = files.map((f) => ({
      path: f.path,
      offset: f.body.byteOffset,
      length: f.body.length,
      mtime: f.mtime,
    }));
  } else {
    const total = files.reduce((sum, f) => sum + f.body.length, 0);
    let own = threadBuffers.get(thread);
    if (own?.busy) own = { bytes: Buffer.from(new SharedArrayBuffer(total)), busy: false };
    else if (!own || own.bytes.length < total) {
      own = { bytes: Buffer.from(new SharedArrayBuffer(Math.max(minThreadBufferBytes, total))), busy: false };
      threadBuffers.set(thread, own);
    }
    const bytes = own.bytes;
    memory = bytes.buffer as SharedArrayBuffer;
    let offset = 0;
    placed = files.map((f) => {
      f.body.copy(bytes, offset);
      const at = { path: f.path, offset, length: f.body.length, mtime: f.mtime };
      offset += f.body.length;
      return at;
    });
    lent = own;
    own.busy = true;
  }
  try {
    const answer = await thread.call({ files: placed, memory, sync });
    return answer.digests as string[];
  } finally {
    if (lent) lent.busy = false;
  }
}

/**
 * Writes new files (O_EXCL: never over another), each with its mtime, fdatasynced unless `sync`
 * is false (the caller then flushes the file system later: file-system-flush.ts); resolves with
 * each body's SHA-256 (hex, in the order given) once every file is written. On a failure the
 * file that failed is removed, no more pieces are started, and it rejects once the pieces under
 * way are done (files written stay: the caller's records do not name them, so a reload removes
 * them as any file cut short).
 */
export async function writeMessageFiles(
  files: readonly MessageFile[],
  { sync = true }: { sync?: boolean } = {},
): Promise<string[]> {
  // Small pieces that each thread takes in turn as it finishes the last (not one share each: on a
  // loaded machine one thread waiting for a core would hold up the whole batch).
  const pieces: Array<{ from: number; to: number }> = [];
  for (let from = 0; from < files.length; ) {
    let to = from;
    let bytes = 0;
    while (
      to < files.length &&
      to - from < pieceFiles &&
      (to === from || bytes + files[to]!.body.length <= pieceBytes)
    )
      bytes += files[to++]!.body.length;
    pieces.push({ from, to });
    from = to;
  }
  const digests: string[] = new Array(files.length);
  let next = 0;
  let failure: unknown;
  const work = async (thread: FileThread) => {
    while (next < pieces.length && failure === undefined) {
      const { from, to } = pieces[next++]!;
      try {
        const written = await writeOn(thread, files.slice(from, to), sync);
        written.forEach((digest, i) => {
          digests[from + i] = digest;
        });
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(threads.all().map(work));
  if (failure !== undefined) throw failure;
  return digests;
}
