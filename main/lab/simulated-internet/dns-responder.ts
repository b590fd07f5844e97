/**
 * The simulated internet's DNS: a tiny authoritative responder on a loopback UDP port that answers
 * MX, A and AAAA for the domains it is given and NXDOMAIN for any other name. Point the director's
 * `dnsServers` at it (`127.0.0.1:<port>`). Malformed datagrams get FORMERR or are dropped; the
 * responder keeps answering others.
 *
 * ```ts
 * const dns = await startDnsResponder({ zone: {
 *   'outside.example': { mx: [{ preference: 10, exchange: 'mx.outside.example' }] },
 *   'mx.outside.example': { a: ['127.0.0.1'] },
 *   'nomail.example': { mx: [{ preference: 0, exchange: '.' }] }, // null MX (RFC 7505)
 * } });
 * dns.server; // '127.0.0.1:53xxx'
 * await dns.stop();
 * ```
 */
import { createSocket, type Socket } from 'node:dgram';
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
  /** Removes a name (it answers NXDOMAIN again). */
  removeName(name: string): void;
  stop(): Promise<void>;
}

/** Starts a responder on `host` (default 127.0.0.1), port 0 = a free one. */
export async function startDnsResponder(options: {
  zone: SimulatedZone;
  host?: string;
  port?: number;
}): Promise<DnsResponder> {
  const host = options.host ?? '127.0.0.1';
  const zone = new Map(Object.entries(options.zone).map(([name, records]) => [normalize(name), records]));
  const queries: { name: string; type: number }[] = [];
  const socket: Socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (datagram, peer) => {
    const reply = answer(datagram, zone, queries);
    if (reply) socket.send(reply, peer.port, peer.address);
  });
  // A send error to one peer must not stop the responder.
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port ?? 0, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  const port = socket.address().port;
  return {
    host,
    port,
    server: host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`,
    queries,
    setName: (name, records) => zone.set(normalize(name), records),
    removeName: (name) => zone.delete(normalize(name)),
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(
  datagram: Buffer,
  zone: Map<string, SimulatedDnsName>,
  queries: { name: string; type: number }[],
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
  // A known name without records of that type: NOERROR and no answers (NODATA).
  return encodeAnswer(question, dnsRcodes.noError, answers);
}

function normalize(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
