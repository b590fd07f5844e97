/**
 * Where mail for a remote domain goes (RFC 5321 5.1): the domain's MX hosts by preference (equal
 * preferences shuffled), the domain itself when it has no MX (implicit MX from its A/AAAA), nothing
 * for a null MX (RFC 7505: the domain accepts no mail) or a domain that does not exist. The
 * resolver's servers are configurable so the lab and the tests can point at a simulated internet.
 */
import { Resolver } from 'node:dns/promises';
import { isIP } from 'node:net';

/** One host to try, with the addresses it resolved to. */
export interface MxHost {
  /** Host name (the MX exchange, or the domain itself for an implicit MX). */
  name: string;
  preference: number;
  addresses: string[];
}

/** The answer for a domain. */
export type MxRoute =
  | { kind: 'hosts'; hosts: MxHost[] }
  /** Permanent: null MX, no such domain, or no address at all. */
  | { kind: 'bounce'; reason: string }
  /** Temporary: DNS failed or timed out. */
  | { kind: 'defer'; reason: string };

/** Options of an MxResolver. */
export interface MxResolverOptions {
  /** DNS servers as `address` or `address:port` (e.g. `127.0.0.1:5353`); absent, the system's. */
  servers?: readonly string[];
  /** Per-query timeout (default 5 s). */
  timeoutMs?: number;
}

// DNS answers that mean "this name has no such record" rather than "ask again later".
const noData = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/** MX lookups for outbound delivery. */
export class MxResolver {
  private readonly resolver: Resolver;

  constructor(options: MxResolverOptions = {}) {
    this.resolver = new Resolver({ timeout: options.timeoutMs ?? 5_000, tries: 2 });
    if (options.servers && options.servers.length > 0) this.resolver.setServers([...options.servers]);
  }

  /** Resolves where mail for `domain` goes. */
  async route(domain: string): Promise<MxRoute> {
    let exchanges: { exchange: string; priority: number }[];
    try {
      exchanges = await this.resolver.resolveMx(domain);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOTFOUND' || code === 'NXDOMAIN')
        return { kind: 'bounce', reason: `5.1.2 domain ${domain} not found (DNS NXDOMAIN)` };
      if (code !== 'ENODATA')
        return { kind: 'defer', reason: `4.4.3 DNS lookup of ${domain} MX failed: ${code}` };
      // No MX: the domain itself is the implicit MX (RFC 5321 5.1).
      exchanges = [];
    }
    // RFC 7505: one MX of preference 0 pointing at the root means "no mail here".
    if (exchanges.some((mx) => mx.exchange === '' || mx.exchange === '.'))
      return { kind: 'bounce', reason: `5.1.10 domain ${domain} accepts no mail (null MX)` };
    const candidates =
      exchanges.length === 0
        ? [{ name: domain, preference: 0 }]
        : sortByPreference(exchanges.map((mx) => ({ name: mx.exchange, preference: mx.priority })));
    const hosts: MxHost[] = [];
    let temporary: string | undefined;
    for (const candidate of candidates) {
      const found = await this.addresses(candidate.name);
      if (found.kind === 'defer') temporary = found.reason;
      else if (found.addresses.length > 0) hosts.push({ ...candidate, addresses: found.addresses });
    }
    if (hosts.length > 0) return { kind: 'hosts', hosts };
    if (temporary) return { kind: 'defer', reason: temporary };
    return { kind: 'bounce', reason: `5.4.4 no address for the mail hosts of ${domain}` };
  }

  private async addresses(
    name: string,
  ): Promise<{ kind: 'found'; addresses: string[] } | { kind: 'defer'; reason: string }> {
    if (isIP(name)) return { kind: 'found', addresses: [name] };
    const results = await Promise.allSettled([this.resolver.resolve4(name), this.resolver.resolve6(name)]);
    const addresses: string[] = [];
    let failure: string | undefined;
    for (const result of results) {
      if (result.status === 'fulfilled') addresses.push(...result.value);
      else if (!noData.has(errorCode(result.reason))) failure = errorCode(result.reason);
    }
    if (addresses.length === 0 && failure)
      return { kind: 'defer', reason: `4.4.3 DNS lookup of ${name} failed: ${failure}` };
    return { kind: 'found', addresses };
  }
}

/** Sorts by preference, shuffling hosts of equal preference (RFC 5321 5.1 spreads the load). */
export function sortByPreference<T extends { preference: number }>(hosts: T[]): T[] {
  return hosts
    .map((host) => ({ host, tie: Math.random() }))
    .sort((a, b) => a.host.preference - b.host.preference || a.tie - b.tie)
    .map(({ host }) => host);
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}
