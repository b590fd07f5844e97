/**
 * Debian's postsrsd (1.x, libsrs2's scheme) in the foreground on free loopback ports, for SRS
 * interop: its two Postfix `tcp:` tables answer `get ADDRESS` with `200 REWRITTEN` or `500 WHY`.
 * Stopped by pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeFreePort } from './free-port.js';

/** A running postsrsd. */
export interface TestPostsrsd {
  /** The forward table's answer for a sender: `200 SRS0=...` (or the sender unchanged). */
  forward(sender: string): Promise<string>;
  /** The reverse table's answer for an SRS address: `200 original` or `500 reason`. */
  reverse(address: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts postsrsd for `domain` with these secrets (the first signs). */
export async function startPostsrsd(domain: string, secrets: readonly string[]): Promise<TestPostsrsd> {
  const dir = await mkdtemp(join(tmpdir(), 'mailfleet-postsrsd-'));
  const secretFile = join(dir, 'secrets');
  await writeFile(secretFile, `${secrets.join('\n')}\n`, { mode: 0o600 });
  const forwardPort = await probeFreePort();
  const reversePort = await probeFreePort();
  const child: ChildProcess = spawn(
    '/usr/sbin/postsrsd',
    [`-s${secretFile}`, `-d${domain}`, '-l127.0.0.1', '-4', `-f${forwardPort}`, `-r${reversePort}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // One question per connection; the table's lines end in a bare LF.
  const ask = (port: number, key: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(`get ${key}\n`));
      let answer = '';
      socket.setTimeout(5_000, () => socket.destroy(new Error('postsrsd did not answer')));
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
        if (!answer.includes('\n')) return;
        socket.destroy();
        resolve(answer.slice(0, answer.indexOf('\n')));
      });
      socket.on('error', reject);
    });
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await ask(forwardPort, 'probe@example.org');
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline)
        throw new Error(`postsrsd did not start: ${stderr || String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    forward: (sender) => ask(forwardPort, sender),
    reverse: (address) => ask(reversePort, address),
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(child.pid, 'SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
