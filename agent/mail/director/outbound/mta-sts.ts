/**
 * MTA-STS (RFC 8461) for outbound mail: a destination domain that publishes `_mta-sts.<domain>`
 * (`v=STSv1; id=…`) has its policy fetched from `https://mta-sts.<domain>/.well-known/mta-sts.txt`
 * (certificate checked, host resolved with the director's own resolvers, no redirects, at most
 * 64 KB, 10 s) and cached for its `max_age` until the TXT record's id changes. Under `enforce` mail
 * goes only to MX hosts the policy names, over TLS with a certificate valid for the MX host name,
 * never in plain text; under `testing` it goes as before and a failure is only reported. A failure
 * is named the TLS-RPT way (RFC 8460 4.3: `sts-policy-fetch-error`, `starttls-not-supported`,
 * `certificate-host-mismatch`, `certificate-expired`, `certificate-not-trusted`,
 * `validation-failure`) in the queue's reason.
 */
import { Resolver } from 'node:dns/promises';
import { get } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Clock } from '../../../common/clock.js';

/** A domain's policy, as fetched. */
export interface MtaStsPolicy {
  mode: 'enforce' | 'testing' | 'none';
  /** MX patterns: `mx.example.com` or `*.example.com` (one label). */
  mx: string[];
  maxAgeSeconds: number;
}

/** The TLS-RPT result types the director reports. */
export const tlsFailureTypes = [
  'sts-policy-fetch-error',
  'sts-policy-invalid',
  'starttls-not-supported',
  'certificate-host-mismatch',
  'certificate-expired',
  'certificate-not-trusted',
  'validation-failure',
] as const;
export type TlsFailureType = (typeof tlsFailureTypes)[number];

/** What the transport does for a domain: no policy, or one (and a fetch failure to report). */
export type MtaStsLookup =
  | { kind: 'none' }
  | { kind: 'policy'; policy: MtaStsPolicy }
  | { kind: 'failed'; failure: TlsFailureType; detail: string };

const maxPolicyBytes = 64 * 1024;

/** Parses a policy file (RFC 8461 3.2); an Error says what is wrong. */
export function parseMtaStsPolicy(text: string): MtaStsPolicy | Error {
  const fields = new Map<string, string[]>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    const key = line.slice(0, at).trim().toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), line.slice(at + 1).trim()]);
  }
  if (fields.get('version')?.[0] !== 'STSv1') return new Error('version is not STSv1');
  const mode = fields.get('mode')?.[0];
  if (mode !== 'enforce' && mode !== 'testing' && mode !== 'none')
    return new Error(`mode "${mode ?? ''}" is not enforce, testing or none`);
  const maxAge = Number(fields.get('max_age')?.[0]);
  if (!Number.isInteger(maxAge) || maxAge < 0 || maxAge > 31_557_600)
    return new Error('max_age is not a number of seconds up to a year');
  const mx = (fields.get('mx') ?? []).map((pattern) => pattern.toLowerCase());
  if (mode !== 'none' && mx.length === 0) return new Error('no mx line');
  return { mode, mx, maxAgeSeconds: maxAge };
}

/** Whether an MX host name matches a policy's patterns (a wildcard covers exactly one label). */
export function mxMatchesPolicy(host: string, patterns: readonly string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((pattern) => {
    if (!pattern.startsWith('*.')) return pattern === name;
    const rest = name.slice(name.indexOf('.') + 1);
    return name.includes('.') && rest === pattern.slice(2);
  });
}

/** Fetches and caches the policies of destination domains. */
export class MtaStsPolicies {
  private readonly resolver: Resolver;
  private readonly cache = new Map<string, { id: string; policy: MtaStsPolicy; until: number }>();

  constructor(
    private readonly options: {
      clock: Clock;
      /** The director's resolvers (`address` or `address:port`); default the system's. */
      servers?: readonly string[];
      /** Extra trusted CA certificates (PEM) for the policy hosts (the lab's CA); the system's are always trusted. */
      ca?: string | Buffer;
      fetchTimeoutMs?: number;
      /** The policy hosts' HTTPS port: 443 (RFC 8461); the lab and tests use a loopback one. */
      policyPort?: number;
    },
  ) {
    this.resolver = new Resolver({ timeout: 3_000, tries: 2 });
    if (options.servers?.length) this.resolver.setServers([...options.servers]);
  }

  /** The policy of a domain now. */
  async lookup(domain: string): Promise<MtaStsLookup> {
    const name = domain.toLowerCase();
    let id: string | undefined;
    try {
      const records = (await this.resolver.resolveTxt(`_mta-sts.${name}`)).map((chunks) => chunks.join(''));
      id = records
        .filter((record) => /^v=STSv1\s*(;|$)/.test(record))
        .map((record) => /(?:^|;)\s*id=([A-Za-z0-9]{1,32})\s*(;|$)/.exec(record)?.[1])
        .find(Boolean);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'ENOTFOUND' && code !== 'ENODATA')
        return this.fromCache(name, 'sts-policy-fetch-error', `_mta-sts.${name}: ${code}`);
    }
    const cached = this.cache.get(name);
    if (!id) {
      // No record (or none valid): a cached policy still holds until it expires (RFC 8461 5.1).
      return cached && cached.until > this.options.clock.now()
        ? { kind: 'policy', policy: cached.policy }
        : { kind: 'none' };
    }
    if (cached && cached.id === id && cached.until > this.options.clock.now())
      return { kind: 'policy', policy: cached.policy };
    let text: string;
    try {
      text = await this.fetchPolicy(name);
    } catch (error) {
      return this.fromCache(
        name,
        'sts-policy-fetch-error',
        `https://mta-sts.${name}/.well-known/mta-sts.txt: ${(error as Error).message}`,
      );
    }
    const policy = parseMtaStsPolicy(text);
    if (policy instanceof Error) return this.fromCache(name, 'sts-policy-invalid', policy.message);
    this.cache.set(name, { id, policy, until: this.options.clock.now() + policy.maxAgeSeconds * 1000 });
    return { kind: 'policy', policy };
  }

  private fromCache(domain: string, failure: TlsFailureType, detail: string): MtaStsLookup {
    const cached = this.cache.get(domain);
    if (cached && cached.until > this.options.clock.now()) return { kind: 'policy', policy: cached.policy };
    return { kind: 'failed', failure, detail };
  }

  private fetchPolicy(domain: string): Promise<string> {
    const host = `mta-sts.${domain}`;
    const lookup: LookupFunction = (hostname, options, callback) => {
      this.resolver.resolve4(hostname).then(
        (addresses) => {
          const [address] = addresses;
          if (!address)
            return callback(
              Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }),
              '',
              4,
            );
          if ((options as { all?: boolean }).all)
            (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
              { address, family: 4 },
            ]);
          else callback(null, address, 4);
        },
        (error: NodeJS.ErrnoException) => callback(error, '', 4),
      );
    };
    return new Promise((resolve, reject) => {
      const request = get(
        {
          host,
          port: this.options.policyPort ?? 443,
          path: '/.well-known/mta-sts.txt',
          lookup,
          // A fresh connection each time: a kept-alive one would skip the DNS the policy host is named in.
          agent: false,
          servername: host,
          ...(this.options.ca ? { ca: this.options.ca } : {}),
          timeout: this.options.fetchTimeoutMs ?? 10_000,
        },
        (response) => {
          // RFC 8461 3.3: no redirects; a 200 with text/plain only.
          if (response.statusCode !== 200) {
            response.resume();
            return reject(new Error(`HTTP ${response.statusCode}`));
          }
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            body += chunk;
            if (body.length > maxPolicyBytes) request.destroy(new Error('policy larger than 64 KB'));
          });
          response.on('end', () => resolve(body));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
    });
  }
}
