/**
 * The simulated internet in one call, for the lab and tests: a DNS responder whose `domains` all
 * have one MX, `mx.simulated.example`, pointing at a rule-based mail host on loopback. Give the
 * director `dnsServers: internet.dnsServers` and `outboundPort: internet.outboundPort`; mail to
 * those domains then lands in `internet.mailHost.messages` (or is deferred/rejected by the rules).
 *
 * ```ts
 * const internet = await startSimulatedInternet({
 *   domains: ['example.org', 'slow.example'],
 *   nullMxDomains: ['nomail.example'],
 *   rules: [{ match: 'slow.example', action: 'defer' }],
 * });
 * // director config: { dnsServers: internet.dnsServers, outboundPort: internet.outboundPort }
 * await internet.stop();
 * ```
 */
import { type DnsResponder, type SimulatedZone, startDnsResponder } from './dns-responder.js';
import {
  type SimulatedMailHost,
  type SimulatedMailRule,
  startSimulatedMailHost,
} from './simulated-mail-host.js';

/** The MX host name every simulated domain points at. */
export const simulatedMxName = 'mx.simulated.example';

/** A running simulated internet. */
export interface SimulatedInternet {
  dns: DnsResponder;
  mailHost: SimulatedMailHost;
  /** For the director's `dnsServers`. */
  dnsServers: string[];
  /** For the director's `outboundPort`. */
  outboundPort: number;
  stop(): Promise<void>;
}

/** Starts the DNS responder and the mail host on `host` (default 127.0.0.1), free ports. */
export async function startSimulatedInternet(options: {
  domains: string[];
  /** Domains with a null MX (RFC 7505): mail for them bounces at once. */
  nullMxDomains?: string[];
  rules?: SimulatedMailRule[];
  host?: string;
  /** See startSimulatedMailHost. */
  keepMessages?: number;
}): Promise<SimulatedInternet> {
  const host = options.host ?? '127.0.0.1';
  const mailHost = await startSimulatedMailHost({
    host,
    rules: options.rules,
    ...(options.keepMessages === undefined ? {} : { keepMessages: options.keepMessages }),
  });
  const zone: SimulatedZone = { [simulatedMxName]: host.includes(':') ? { aaaa: [host] } : { a: [host] } };
  for (const domain of options.domains)
    zone[domain] = { mx: [{ preference: 10, exchange: simulatedMxName }] };
  for (const domain of options.nullMxDomains ?? []) zone[domain] = { mx: [{ preference: 0, exchange: '.' }] };
  let dns: DnsResponder;
  try {
    dns = await startDnsResponder({ zone, host });
  } catch (error) {
    await mailHost.stop();
    throw error;
  }
  return {
    dns,
    mailHost,
    dnsServers: [dns.server],
    outboundPort: mailHost.port,
    async stop() {
      await dns.stop();
      await mailHost.stop();
    },
  };
}
