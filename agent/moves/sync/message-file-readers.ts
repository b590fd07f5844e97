/**
 * Reads many message files on a source store at once on worker threads, each file with plain
 * synchronous calls, and gives back each body with its SHA-256 computed there.
 *
 * Why threads: measured on the source of a 1 GiB move (20,000 messages), the agent's main thread
 * spent about 2.5 s only starting and finishing the four calls of each read (open, fstat, read,
 * close) through libuv's thread pool, and 1 s digesting bodies, beside encrypting for SSH. Here a
 * group of files costs it two messages.
 *
 * The files are read straight into a group's memory, moved to the thread and back (not copied),
 * and reused once the caller says the bodies are sent. Each file read into a buffer of its own and
 * copied into a new buffer for the group, as before, made every byte land twice in fresh memory
 * that the kernel first zeroes. Not shared memory: on Node 20 every copy out of a
 * SharedArrayBuffer (SSH copying a body into its packets) takes V8's slow byte-safe path.
 */
import { makeCrlfCheck } from '../../mail/store/maildir/crlf.js';
import { crlfCheckModule } from '../../mail/store/maildir/crlf-check-module.js';
import { FileThreads } from './file-thread.js';

/** A body read, with its SHA-256 (hex). */
export interface ReadBody {
  body: Buffer;
  digest: string;
  /** Whether every line ends in CRLF already (else the caller converts it, and digests again). */
  crlf: boolean;
}

/** The bodies of one read, in the order of their paths, and the memory they lie in. */
export interface ReadFiles {
  /** Undefined for a file that is not there, or larger than the caller said (read it the ordinary way). */
  bodies: Array<ReadBody | undefined>;
  /**
   * Gives the memory back for the next read. Only once nothing holds a body any more (they were
   * written out); never called, the memory is simply collected.
   */
  release(): void;
}

// Threads reading at once (the store's own reads keep libuv's pool).
const readerThreads = 2;

/**
 * The thread's code (file-thread.ts): reads each file into `memory` one after the other. A file
 * that is missing (renamed by a flag change, or expunged) or has no room left is answered with
 * length -1.
 */
const workerSource = `
const fs = require('node:fs');
const { createHash } = require('node:crypto');
const { parentPort } = require('node:worker_threads');
// The store's own check (crlf.ts), its source put here: every line of 1 GiB checked on the agent's
// main thread cost it 0.4 s a move.
const hasOnlyCrlf = (${makeCrlfCheck.toString()})(${JSON.stringify(crlfCheckModule)});
function readInto(path, memory, offset) {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    if (error.code === 'ENOENT') return -1;
    throw error;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (offset + size > memory.length) return -1;
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, memory, offset + got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got;
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', ({ id, paths, memory }) => {
  // The memory is moved back with the answer, or lost with an error (the caller makes new).
  try {
    const bytes = Buffer.from(memory);
    const lengths = [];
    const digests = [];
    const crlf = [];
    let offset = 0;
    for (const path of paths) {
      const length = readInto(path, bytes, offset);
      lengths.push(length);
      if (length < 0) {
        digests.push('');
        crlf.push(true);
        continue;
      }
      const body = bytes.subarray(offset, offset + length);
      digests.push(createHash('sha256').update(body).digest('hex'));
      crlf.push(hasOnlyCrlf(body));
      offset += length;
    }
    parentPort.postMessage({ id, lengths, digests, crlf, memory }, [memory]);
  } catch (error) {
    parentPort.postMessage({ id, error: { message: error.message, code: error.code } });
  }
});
`;

const threads = new FileThreads(workerSource, readerThreads);

// A read group's memory (mailbox-reader.ts reads at most 1 MiB a group, or one larger message);
// a read that needs more gets memory of its own, not kept.
const groupMemoryBytes = 1024 * 1024;
// Kept for reuse: the groups read ahead of the one being sent (4 MiB) and that one, for two sends.
const keptMemories = 12;
const free: ArrayBuffer[] = [];

/**
 * Reads the files at `paths` (in order), whose sizes add up to `expectedBytes` (a file grown since
 * gets undefined, as a missing one: a flag change may have renamed it, and the caller reads it the
 * ordinary way). Other errors reject. Calls go to the threads in turn: a sender reading ahead keeps
 * both busy.
 */
export async function readMessageFiles(paths: readonly string[], expectedBytes: number): Promise<ReadFiles> {
  const pooled = expectedBytes <= groupMemoryBytes;
  const lent = (pooled && free.pop()) || new ArrayBuffer(Math.max(expectedBytes, groupMemoryBytes));
  const answer = await threads.next().call({ paths, memory: lent }, [lent]);
  const memory = answer.memory as ArrayBuffer;
  const digests = answer.digests as string[];
  const crlf = answer.crlf as boolean[];
  let offset = 0;
  const bodies = (answer.lengths as number[]).map((length, i) => {
    if (length < 0) return undefined;
    const body = Buffer.from(memory, offset, length);
    offset += length;
    return { body, digest: digests[i]!, crlf: crlf[i]! };
  });
  let released = false;
  return {
    bodies,
    release: () => {
      if (released || !pooled) return;
      released = true;
      if (free.length < keptMemories) free.push(memory);
    },
  };
}
