/**
 * The simulated internet's DNS: a tiny authoritative responder on a loopback port (UDP and TCP, the
 * same number) that answers MX, A, AAAA, TXT and TLSA for the names it is given and NXDOMAIN for any
 * other name. Point the director's `dnsServers` at it (`127.0.0.1:<port>`). An answer larger than
 * the asker's UDP limit (512 octets, or its EDNS0 size) is sent truncated and the asker retries over
 * TCP, as for a 2048-bit DKIM key's TXT record. Malformed queries get FORMERR or are dropped; the
 * responder keeps answering others.
 *
 * ```ts
 * const dns = await startDnsResponder({ zone: {
 *   'outside.example': { mx: [{ preference: 10, exchange: 'mx.outside.example' }] },
 *   'mx.outside.example': { a: ['127.0.0.1'] },
 *   'nomail.example': { mx: [{ preference: 0, exchange: '.' }] }, // null MX (RFC 7505)
 *   '_dmarc.outside.example': { txt: ['v=DMARC1; p=reject'] },
 * } });
 * dns.server; // '127.0.0.1:53xxx'
 * await dns.stop();
 * ```
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Socket as TcpSocket } from 'node:net';
import {
  type DnsAnswer,
  dnsRcodes,
  dnsTypes,
  encodeAnswer,
  encodeRefusal,
  parseQuery,
} from './dns-message.js';

/** The records of one name. */
export interface SimulatedDnsName {
  mx?: { preference: number; exchange: string }[];
  a?: string[];
  aaaa?: string[];
  /** TXT records, one string each (split into 255-octet character-strings on the wire). */
  txt?: string[];
  /** DANE TLSA records (names like `_25._tcp.mx.example`). */
  tlsa?: { usage: number; selector: number; matchingType: number; data: string }[];
  /** Answer SERVFAIL for this name (a DNS outage: senders defer). */
  servfail?: boolean;
}

/** Names (lower case, no trailing dot) to their records. */
export type SimulatedZone = Record<string, SimulatedDnsName>;

/** A running responder. */
export interface DnsResponder {
  host: string;
  port: number;
  /** `host:port`, as node:dns `setServers` and the director's `dnsServers` take it. */
  server: string;
  /** Queries answered so far (name and type), for tests. */
  readonly queries: { name: string; type: number }[];
  /** Adds or replaces a name's records. */
  setName(name: string, records: SimulatedDnsName): void;
  /** A name's records now, or undefined (NXDOMAIN). */
  records(name: string): SimulatedDnsName | undefined;
  /** Removes a name (it answers NXDOMAIN again). */
  removeName(name: string): void;
  stop(): Promise<void>;
}

/** Tries for a port free for both UDP and TCP when the caller lets the system pick one. */
const freePortTries = 20;

/** Starts a responder on `host` (default 127.0.0.1), port 0 = a free one. */
export async function startDnsResponder(options: {
  zone: SimulatedZone;
  host?: string;
  port?: number;
}): Promise<DnsResponder> {
  if (options.port) return startOnPort(options, options.port);
  // The system picks a free UDP port; its number may be taken for TCP by another process on a
  // shared machine, so a TCP clash picks again rather than failing the lab.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(options, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= freePortTries) throw error;
    }
  }
}

async function startOnPort(
  options: { zone: SimulatedZone; host?: string },
  requestedPort: number,
): Promise<DnsResponder> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Map(Object.entries(options.zone).map(([name, records]) => [normalize(name), records]));
  const queries: { name: string; type: number }[] = [];
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (datagram, peer) => {
    const reply = answer(datagram, zone, queries, 'udp');
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  // A send error to one peer must not stop the responder.
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(requestedPort, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  let tcp: { close(): Promise<void> };
  try {
    tcp = await listenTcp(host, port, (query) => answer(query, zone, queries, 'tcp'));
  } catch (error) {
    socket.close();
    throw error;
  }
  return {
    host,
    port,
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    setName: (name, records) => zone.set(normalize(name), records),
    records: (name) => zone.get(normalize(name)),
    removeName: (name) => zone.delete(normalize(name)),
    async stop() {
      await new Promise<void>((resolve) => socket.close(() => resolve()));
      await tcp.close();
    },
  };
}

/** Largest TCP query taken: a question is far smaller; more is a confused or hostile peer. */
const maxTcpQueryBytes = 4096;

/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766) on the UDP port's number: each message is preceded by
 * its two-octet length. Used by askers that got a truncated UDP answer.
 */
async function listenTcp(
  host: string,
  port: number,
  answerQuery: (query: Buffer) => Buffer | undefined,
): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<TcpSocket>();
  const server = createServer((connection) => {
    sockets.add(connection);
    connection.on('close', () => sockets.delete(connection));
    connection.on('error', () => connection.destroy());
    // An idle asker is dropped, so connections cannot pile up.
    connection.setTimeout(10_000, () => connection.destroy());
    let pending = Buffer.alloc(0);
    connection.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2) {
        const length = pending.readUInt16BE(0);
        if (length > maxTcpQueryBytes) {
          connection.destroy();
          return;
        }
        if (pending.length < 2 + length) break;
        const reply = answerQuery(pending.subarray(2, 2 + length));
        pending = pending.subarray(2 + length);
        if (reply) {
          const prefix = Buffer.alloc(2);
          prefix.writeUInt16BE(reply.length, 0);
          connection.write(Buffer.concat([prefix, reply]));
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close() {
      // server.close() waits for open connections; stopping must not hang on an idle asker.
      for (const connection of sockets) connection.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function answer(
  datagram: Buffer,
  zone: Map<string, SimulatedDnsName>,
  queries: { name: string; type: number }[],
  transport: 'udp' | 'tcp',
): Buffer | undefined {
  const parsed = parseQuery(datagram);
  if (parsed.kind === 'drop') return undefined;
  if (parsed.kind === 'refuse') return encodeRefusal(parsed.id, parsed.rcode);
  const { question } = parsed;
  queries.push({ name: question.name, type: question.type });
  const records = zone.get(question.name);
  if (!records) return encodeAnswer(question, dnsRcodes.nxDomain, []);
  if (records.servfail) return encodeAnswer(question, dnsRcodes.servFail, []);
  const answers: DnsAnswer[] = [];
  if (question.type === dnsTypes.MX)
    for (const mx of records.mx ?? []) answers.push({ type: dnsTypes.MX, ...mx });
  if (question.type === dnsTypes.A)
    for (const address of records.a ?? []) answers.push({ type: dnsTypes.A, address });
  if (question.type === dnsTypes.AAAA)
    for (const address of records.aaaa ?? []) answers.push({ type: dnsTypes.AAAA, address });
  if (question.type === dnsTypes.TXT)
    for (const text of records.txt ?? []) answers.push({ type: dnsTypes.TXT, text });
  if (question.type === dnsTypes.TLSA)
    for (const tlsa of records.tlsa ?? []) answers.push({ type: dnsTypes.TLSA, ...tlsa });
  // A known name without records of that type: NOERROR and no answers (NODATA).
  const reply = encodeAnswer(question, dnsRcodes.noError, answers);
  if (transport === 'udp' && reply.length > question.udpPayloadLimit)
    return encodeAnswer(question, dnsRcodes.noError, answers, 60, true);
  return reply;
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
