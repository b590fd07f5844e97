/**
 * Outbound delivery of remote recipients by MX with nodemailer (RFC 5321 5.1): for a destination
 * `smtp:<domain>` the domain's MX hosts are tried in preference order, each of their addresses in
 * turn, on the configured port. STARTTLS is used when offered (opportunistic, like Postfix's `may`:
 * certificates are not verified, and a failed handshake is retried once in plain text). Per
 * recipient: 2xx delivered, 5xx bounced, 4xx and connection failures go on to the next host, and
 * whatever is left after the last host is deferred with the last reason.
 */
import { rootCertificates } from 'node:tls';
import { createTransport } from 'nodemailer';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
} from '../queue/delivery-transport.js';
import { type MtaStsLookup, mxMatchesPolicy, type TlsFailureType } from './mta-sts.js';
import type { MxRoute } from './mx-resolver.js';

/** Options of an MxTransport. */
export interface MxTransportOptions {
  /** Name sent in EHLO. */
  clientName: string;
  /** Looks up where a domain's mail goes (MxResolver.route). */
  resolve: (domain: string) => Promise<MxRoute>;
  /** Connection and greeting timeout (default 30 s). */
  connectTimeoutMs?: number;
  /** Timeout of each reply (default 5 minutes). */
  socketTimeoutMs?: number;
  /** MTA-STS policies of destinations (mta-sts.ts); without it TLS stays opportunistic everywhere. */
  mtaSts?: { lookup(domain: string): Promise<MtaStsLookup> };
  /** Extra trusted CA certificates (PEM) for MX hosts under an enforced policy; the system's always count. */
  tlsCa?: string | Buffer;
}

interface RecipientReply {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/** How a session must use TLS: opportunistic (`may`), or required with a checked certificate. */
type TlsRequirement = { kind: 'may' } | { kind: 'verify'; mode: 'enforce' | 'testing' };

interface SessionResult {
  delivered: Map<string, string>;
  refused: Map<string, { code: number; text: string }>;
  /** A failure for the whole session (connection, TLS, MAIL FROM or DATA reply). */
  failure?: { code: number; text: string; tls: boolean; tlsFailure?: TlsFailureType };
  /** Under a `testing` policy: the certificate check that failed before delivering without it. */
  testingFailure?: TlsFailureType;
}

/** The queue's transport to the internet. */
export class MxTransport implements MessageTransport {
  constructor(private readonly options: MxTransportOptions) {}

  /** Delivers one message to the recipients of one remote domain (`destination.host`). */
  async deliver(
    destination: DeliveryDestination,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<DeliveryOutcome[]> {
    const route = await this.options.resolve(destination.host);
    if (route.kind !== 'hosts') {
      const outcome = route.kind === 'bounce' ? 'bounced' : 'deferred';
      return addresses.map((address) => ({ address, outcome, reason: route.reason }));
    }
    const results = new Map<string, DeliveryOutcome>();
    let remaining = [...addresses];
    let lastReason = 'no mail host answered';
    let lastMta: string | undefined;
    const sts = await this.stsFor(destination.host);
    if (sts.report) this.report(destination.host, sts.report.failure);
    let hosts = route.hosts;
    if (sts.requirement.kind === 'verify') {
      const patterns = sts.patterns;
      const matching = hosts.filter((host) => mxMatchesPolicy(host.name, patterns));
      if (matching.length < hosts.length) this.report(destination.host, 'validation-failure');
      if (sts.requirement.mode === 'enforce') {
        hosts = matching;
        if (hosts.length === 0)
          lastReason = `4.7.5 MTA-STS (validation-failure): no MX host of ${destination.host} matches its policy (${patterns.join(', ')})`;
      }
    }
    for (const host of hosts) {
      for (const ip of host.addresses) {
        if (remaining.length === 0) break;
        const said = `${host.name}[${ip}]`;
        const session = await this.session(
          ip,
          destination.port,
          host.name,
          message,
          remaining,
          sts.requirement,
        );
        const tlsFailure = session.failure?.tlsFailure ?? session.testingFailure;
        if (tlsFailure) this.report(destination.host, tlsFailure);
        for (const [address, reply] of session.delivered)
          results.set(address, {
            address,
            outcome: 'delivered',
            reason: `${said} said: ${reply}`,
            remoteMta: host.name,
          });
        for (const [address, reply] of session.refused) {
          if (reply.code >= 500) {
            results.set(address, {
              address,
              outcome: 'bounced',
              reason: `${said} said: ${reply.text}`,
              remoteMta: host.name,
            });
          } else {
            lastReason = `${said} said: ${reply.text}`;
            lastMta = host.name;
          }
        }
        if (session.failure) {
          // A permanent refusal of the whole message (MAIL FROM or DATA 5xx) bounces what is left.
          if (session.failure.code >= 500) {
            for (const address of remaining)
              if (!results.has(address))
                results.set(address, {
                  address,
                  outcome: 'bounced',
                  reason: `${said} said: ${session.failure.text}`,
                  remoteMta: host.name,
                });
          } else {
            lastReason = session.failure.tlsFailure
              ? `4.7.5 MTA-STS (${session.failure.tlsFailure}): ${said}: ${session.failure.text}`
              : `${said}: ${session.failure.text}`;
            lastMta = session.failure.code > 0 ? host.name : undefined;
          }
        }
        remaining = remaining.filter((address) => !results.has(address));
      }
    }
    return addresses.map(
      (address) =>
        results.get(address) ?? {
          address,
          outcome: 'deferred',
          reason: lastReason,
          ...(lastMta ? { remoteMta: lastMta } : {}),
        },
    );
  }

  /** TLS-RPT-style failure counts per destination domain since start (the queue's reasons name each). */
  tlsFailures(): Record<string, Partial<Record<TlsFailureType, number>>> {
    return Object.fromEntries([...this.failures].map(([domain, counts]) => [domain, { ...counts }]));
  }

  private readonly failures = new Map<string, Partial<Record<TlsFailureType, number>>>();

  private report(domain: string, failure: TlsFailureType): void {
    const counts = this.failures.get(domain) ?? {};
    counts[failure] = (counts[failure] ?? 0) + 1;
    this.failures.set(domain, counts);
  }

  /** The TLS requirement of a destination from its MTA-STS policy (none, or its fetch failed: `may`). */
  private async stsFor(
    domain: string,
  ): Promise<{ requirement: TlsRequirement; patterns: string[]; report?: { failure: TlsFailureType } }> {
    const found = this.options.mtaSts ? await this.options.mtaSts.lookup(domain) : { kind: 'none' as const };
    if (found.kind === 'failed')
      return { requirement: { kind: 'may' }, patterns: [], report: { failure: found.failure } };
    if (found.kind === 'none' || found.policy.mode === 'none')
      return { requirement: { kind: 'may' }, patterns: [] };
    return { requirement: { kind: 'verify', mode: found.policy.mode }, patterns: found.policy.mx };
  }

  /**
   * One SMTP session with one address of one MX host. Opportunistic: a failed STARTTLS is retried
   * in plain text. Under a policy the certificate is checked; `testing` still delivers when the
   * check fails (reported), `enforce` never without it.
   */
  private async session(
    ip: string,
    port: number,
    name: string,
    message: OutgoingMessage,
    addresses: string[],
    requirement: TlsRequirement = { kind: 'may' },
  ): Promise<SessionResult> {
    if (requirement.kind === 'verify') {
      const checked = await this.send(ip, port, name, message, addresses, 'verify');
      if (requirement.mode === 'enforce' || !checked.failure?.tlsFailure) return checked;
      const testingFailure = checked.failure.tlsFailure;
      const unchecked = await this.session(ip, port, name, message, addresses);
      return { ...unchecked, testingFailure };
    }
    const first = await this.send(ip, port, name, message, addresses, 'may');
    if (!first.failure?.tls) return first;
    return this.send(ip, port, name, message, addresses, 'plain');
  }

  private async send(
    ip: string,
    port: number,
    name: string,
    message: OutgoingMessage,
    addresses: string[],
    tlsUse: 'may' | 'plain' | 'verify',
  ): Promise<SessionResult> {
    const plain = tlsUse === 'plain';
    const verify = tlsUse === 'verify';
    const transport = createTransport({
      host: ip,
      port,
      secure: false,
      ignoreTLS: plain,
      requireTLS: verify,
      // Opportunistic TLS: encryption when offered, no certificate check (RFC 7435); under an
      // MTA-STS policy the certificate must be valid for the MX host name.
      tls: {
        servername: name,
        rejectUnauthorized: verify,
        minVersion: 'TLSv1.2',
        ...(verify && this.options.tlsCa ? { ca: [...rootCertificates, String(this.options.tlsCa)] } : {}),
      },
      name: this.options.clientName,
      connectionTimeout: this.options.connectTimeoutMs ?? 30_000,
      greetingTimeout: this.options.connectTimeoutMs ?? 30_000,
      socketTimeout: this.options.socketTimeoutMs ?? 300_000,
    });
    const result: SessionResult = { delivered: new Map(), refused: new Map() };
    try {
      const info = await transport.sendMail({
        envelope: { from: message.sender === '' ? false : message.sender, to: addresses },
        raw: message.content,
      });
      const accepted = new Set((info.accepted as unknown[]).map((a) => String(a).toLowerCase()));
      for (const address of addresses)
        if (accepted.has(address.toLowerCase()))
          result.delivered.set(address, String(info.response ?? '250'));
      addRefusals(result, addresses, info.rejectedErrors as RecipientReply[] | undefined);
    } catch (error) {
      const failed = error as {
        rejectedErrors?: RecipientReply[];
        responseCode?: unknown;
        code?: unknown;
        originalCode?: unknown;
        response?: unknown;
      };
      addRefusals(result, addresses, failed.rejectedErrors);
      const everyRefused = addresses.every((address) => result.refused.has(address));
      if (!everyRefused) {
        const code = typeof failed.responseCode === 'number' ? failed.responseCode : 0;
        const text = String(failed.response ?? (error instanceof Error ? error.message : error));
        // A refused STARTTLS is ETLS; a failed handshake is a socket error with OpenSSL's code.
        const tls = failed.code === 'ETLS' || /^ERR_(SSL|TLS)_/.test(String(failed.originalCode ?? ''));
        const tlsFailure = verify ? tlsFailureType(error) : undefined;
        result.failure = { code, text, tls: tls && !plain, ...(tlsFailure ? { tlsFailure } : {}) };
      }
    } finally {
      transport.close();
    }
    return result;
  }
}

function addRefusals(
  result: SessionResult,
  addresses: string[],
  replies: RecipientReply[] | undefined,
): void {
  for (const reply of replies ?? []) {
    const address = addresses.find((a) => a.toLowerCase() === String(reply.recipient).toLowerCase());
    if (!address) continue;
    const code = typeof reply.responseCode === 'number' ? reply.responseCode : 0;
    // Anything not a clear 5xx is retried: losing mail is worse than retrying.
    result.refused.set(address, {
      code: code >= 500 && code < 600 ? code : Math.min(code, 499),
      text: String(reply.response ?? reply.message ?? 'refused'),
    });
  }
}

/** The TLS-RPT result type of a failed checked session, or undefined when TLS was not the problem. */
function tlsFailureType(error: unknown): TlsFailureType | undefined {
  const failed = error as { code?: unknown; originalCode?: unknown; message?: unknown };
  const code = String(failed.originalCode ?? failed.code ?? '');
  const message = String(failed.message ?? '');
  if (failed.code === 'ETLS' && /STARTTLS/i.test(message)) return 'starttls-not-supported';
  if (/ALTNAME|Hostname\/IP does not match/i.test(`${code} ${message}`)) return 'certificate-host-mismatch';
  if (/CERT_HAS_EXPIRED|certificate has expired/i.test(`${code} ${message}`)) return 'certificate-expired';
  if (/SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|unable to verify|self[- ]signed/i.test(`${code} ${message}`))
    return 'certificate-not-trusted';
  if (failed.code === 'ETLS' || /^ERR_(SSL|TLS)_/.test(code)) return 'validation-failure';
  return undefined;
}
