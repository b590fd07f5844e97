/**
 * A stand-in for systemd's notification socket: a real AF_UNIX datagram socket (NOTIFY_SOCKET)
 * bound by a small python3 process, which prints each datagram it receives on one line. Node
 * cannot bind AF_UNIX datagram sockets itself.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

const python = '/usr/bin/python3';
const listenerScript = `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("BOUND", flush=True)
while True:
    data = s.recv(65536)
    print(data.decode("utf-8", "replace").replace("\\n", "|"), flush=True)
`;

/** A listening notification socket and what it has received so far. */
export interface NotifySocketListener {
  path: string;
  /** Each datagram, with its lines joined by `|`. */
  messages: string[];
  /** Resolves once a datagram containing `text` has arrived. */
  waitFor(text: string): Promise<string>;
  close(): void;
}

/** Binds a datagram socket at `path` and records what arrives. */
export async function listenNotifySocket(path: string): Promise<NotifySocketListener> {
  if (!existsSync(python))
    throw new Error(`${python} is needed to fake systemd's NOTIFY_SOCKET (Debian package python3)`);
  const child: ChildProcess = spawn(python, ['-c', listenerScript, path], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const messages: string[] = [];
  const waiters: Array<{ text: string; resolve: (message: string) => void }> = [];
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`notify socket listener exited (${code})`)));
    lines.on('line', (line) => {
      if (line === 'BOUND') return resolve();
      messages.push(line);
      for (const waiter of [...waiters]) {
        if (line.includes(waiter.text)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    });
  });
  return {
    path,
    messages,
    waitFor: (text) => {
      const seen = messages.find((message) => message.includes(text));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ text, resolve }));
    },
    close: () => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
    },
  };
}
