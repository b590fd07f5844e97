/**
 * One worker thread of the sync engine's file work (message-file-readers.ts,
 * message-file-writers.ts): requests go in with an id, answers come back with it, an error in the
 * thread comes back in words (and its errno code) and rejects that request only.
 *
 * The thread's code is plain JavaScript evaluated by `new Worker(..., { eval: true })`: the same
 * text runs from the TypeScript sources (tests) and from the build, with no file to locate. It
 * must answer every `{ id, ... }` it gets with `{ id, ... }`, or `{ id, error: { message, code } }`.
 */
import { Worker } from 'node:worker_threads';

/** An answer from the thread (besides `id` and `error`, what the thread's code sends). */
export interface ThreadAnswer {
  id: number;
  error?: { message: string; code?: string };
  [field: string]: unknown;
}

/** A worker thread running `source`, and the requests it was given. */
export class FileThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<
    number,
    { resolve: (a: ThreadAnswer) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;
  /** The thread stopped: its requests were rejected, and a new one takes its place. */
  broken = false;

  constructor(source: string) {
    this.worker = new Worker(source, { eval: true });
    // An idle thread does not keep the process alive; one working does (ref/unref around requests).
    this.worker.unref();
    this.worker.on('message', (answer: ThreadAnswer) => {
      const waiting = this.waiting.get(answer.id);
      if (!waiting) return;
      this.waiting.delete(answer.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (!answer.error) return waiting.resolve(answer);
      const error = new Error(answer.error.message) as NodeJS.ErrnoException;
      if (answer.error.code) error.code = answer.error.code;
      waiting.reject(error);
    });
    const fail = (error: Error) => {
      this.broken = true;
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', () => fail(new Error('a file thread of the sync engine stopped')));
  }

  /** Sends a request (`transfer`: buffers moved to the thread, not copied) and waits for its answer. */
  call(request: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<ThreadAnswer> {
    const id = this.nextId++;
    return new Promise<ThreadAnswer>((resolve, reject) => {
      if (this.waiting.size === 0) this.worker.ref();
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }
}

/** A few threads running the same code, made again when one stops. */
export class FileThreads {
  private threads: FileThread[] = [];
  private turn = 0;

  constructor(
    private readonly source: string,
    private readonly size: number,
  ) {}

  /** All the threads, started if need be. */
  all(): FileThread[] {
    this.threads = this.threads.filter((t) => !t.broken);
    while (this.threads.length < this.size) this.threads.push(new FileThread(this.source));
    return this.threads;
  }

  /** The next thread in turn. */
  next(): FileThread {
    const threads = this.all();
    return threads[this.turn++ % threads.length]!;
  }
}
