/**
 * Postfix's `smtp-sink` (Debian package postfix) as the sink of a bench: a C server that reads every
 * message and answers 250 without storing it and without delaying its greeting, in LMTP mode with
 * `-L`. It runs in the foreground on a free loopback port (dropping root to `nobody` with `-u`) and
 * prints running counters with `-c` (`sess=N quit=N mesg=N`, one `\r`-ended record each time a
 * session ends or a message is acknowledged); the bench reads `mesg` to know when a run has arrived.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { waitForPort } from '../../main/lab/lab-supervisor.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

/** A sink that counts what it acknowledged. */
export interface CountingSink {
  port: number;
  /** Messages acknowledged so far (each bench message has one recipient). */
  delivered(): number;
  /** Sessions that have ended so far (a reused LMTP connection counts once, when it closes). */
  sessionsEnded(): number;
  /** Resolves once `count` messages have been acknowledged in total. */
  waitFor(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `smtp-sink [-L] -c 127.0.0.1:PORT BACKLOG`. */
export async function startSmtpSink(options: { lmtp: boolean }): Promise<CountingSink> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/smtp-sink',
      debianPackage: 'postfix',
      why: "the benches' sink is Postfix's smtp-sink",
    },
  ]);
  const [port] = (await findFreePorts(1)) as [number];
  // -m: connections served at once (default 256; the relays open at most a few dozen).
  const args = ['-c', '-m', '1000', ...(options.lmtp ? ['-L'] : [])];
  if (process.getuid?.() === 0) args.push('-u', 'nobody');
  const child: ChildProcess = spawn('/usr/sbin/smtp-sink', [...args, `127.0.0.1:${port}`, '1024'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let delivered = 0;
  let ended = 0;
  let pending = '';
  let errors = '';
  let waiters: { count: number; resolve: () => void; reject: (error: Error) => void }[] = [];
  child.stdout?.setEncoding('latin1');
  child.stdout?.on('data', (chunk: string) => {
    pending += chunk;
    const records = pending.split('\r');
    pending = records.pop() ?? '';
    const last = records.at(-1);
    const counters = last?.match(/sess=(\d+) quit=\d+ mesg=(\d+)/);
    if (!counters) return;
    ended = Number(counters[1]);
    delivered = Number(counters[2]);
    waiters = waiters.filter((w) => {
      if (delivered < w.count) return true;
      w.resolve();
      return false;
    });
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      // A run waiting for its messages learns at once that they will not come.
      for (const w of waiters) w.reject(new Error(`smtp-sink exited (${code ?? signal}): ${errors}`));
      waiters = [];
      resolve();
    }),
  );
  try {
    await waitForPort(port, 10_000, 'smtp-sink');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}: ${errors}`);
  }
  // Another program may have taken the port first: then smtp-sink has exited with a bind error.
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (child.exitCode !== null) throw new Error(`smtp-sink exited: ${errors}`);
  return {
    port,
    delivered: () => delivered,
    sessionsEnded: () => ended,
    waitFor: (count, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (delivered >= count) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`smtp-sink got ${delivered} of ${count} messages in ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
