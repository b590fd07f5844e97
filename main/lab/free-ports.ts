/**
 * Free loopback ports for the lab's long-lived listeners. Other processes share this machine, so no
 * port is assumed free: each one is bound to check it, and all are held open until the whole set is
 * chosen so the same port is never handed out twice.
 *
 * The ports come from below the kernel's ephemeral range (ip_local_port_range, 32768-60999 on
 * Linux). A port the kernel handed out for `listen(0)` lies in that range, where every outgoing
 * connection on the machine also takes its local port: between `lab up` choosing it and the node
 * binding it a few seconds later, another program's connection can take it (seen: two of 39 nodes
 * failing with EADDRINUSE while other test suites ran). Below the range only a program that binds
 * that very port on purpose can collide.
 *
 * One process never hands out a port twice: `lab up` chooses its nodes' ports while its scanners
 * and simulated outside world choose theirs, and a port chosen by one but not yet bound looks free
 * to the other.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** Every port this process has handed out (a few hundred numbers at most, for a 39-node lab). */
const handedOut = new Set<number>();

/** Lowest port handed out; below it lie the well-known and most registered service ports. */
const lowestLabPort = 10_000;

/** The ports the lab picks from: [10000, start of the ephemeral range). */
export function labPortRange(): { low: number; high: number } {
  let ephemeralLow = 32_768;
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number.isInteger(Number(low))) ephemeralLow = Number(low);
  } catch {
    // Not Linux: keep the Linux default, which is below the IANA dynamic range (49152).
  }
  return { low: lowestLabPort, high: Math.max(lowestLabPort + 1000, ephemeralLow - 1) };
}

/** Returns `count` distinct TCP ports that were free on `host` a moment ago. */
export async function findFreePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const { low, high } = labPortRange();
  const servers: Server[] = [];
  const tried = new Set<number>();
  try {
    const ports: number[] = [];
    while (ports.length < count) {
      if (tried.size > high - low) throw new Error(`no ${count} free ports between ${low} and ${high}`);
      const port = low + Math.floor(Math.random() * (high - low + 1));
      if (tried.has(port)) continue;
      tried.add(port);
      if (handedOut.has(port)) continue;
      const server = await holdPort(port, host);
      if (!server) continue;
      servers.push(server);
      ports.push(port);
    }
    for (const port of ports) handedOut.add(port);
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Binds `port`, or undefined when something else has it. */
function holdPort(port: number, host: string): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * Marks ports as handed out, so `findFreePorts` in this process never returns them: a reused lab's
 * saved ports, before its scanners choose theirs.
 */
export function reservePorts(ports: Iterable<number>): void {
  for (const port of ports) handedOut.add(port);
}

/** Whether a TCP port can be bound on `host` right now. */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = await holdPort(port, host);
  if (!server) return false;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return true;
}
