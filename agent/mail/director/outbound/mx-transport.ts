/**
 * Outbound delivery of remote recipients by MX with nodemailer (RFC 5321 5.1): for a destination
 * `smtp:<domain>` the domain's MX hosts are tried in preference order, each of their addresses in
 * turn, on the configured port. STARTTLS is used when offered (opportunistic, like Postfix's `may`:
 * certificates are not verified, and a failed handshake is retried once in plain text). Per
 * recipient: 2xx delivered, 5xx bounced, 4xx and connection failures go on to the next host, and
 * whatever is left after the last host is deferred with the last reason.
 */
import { createTransport } from 'nodemailer';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
} from '../queue/delivery-transport.js';
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
}

interface RecipientReply {
  recipient?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

interface SessionResult {
  delivered: Map<string, string>;
  refused: Map<string, { code: number; text: string }>;
  /** A failure for the whole session (connection, TLS, MAIL FROM or DATA reply). */
  failure?: { code: number; text: string; tls: boolean };
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
    for (const host of route.hosts) {
      for (const ip of host.addresses) {
        if (remaining.length === 0) break;
        const said = `${host.name}[${ip}]`;
        const session = await this.session(ip, destination.port, host.name, message, remaining);
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
            lastReason = `${said}: ${session.failure.text}`;
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

  /** One SMTP session with one address of one MX host; a failed STARTTLS is retried in plain text. */
  private async session(
    ip: string,
    port: number,
    name: string,
    message: OutgoingMessage,
    addresses: string[],
  ): Promise<SessionResult> {
    const first = await this.send(ip, port, name, message, addresses, false);
    if (!first.failure?.tls) return first;
    return this.send(ip, port, name, message, addresses, true);
  }

  private async send(
    ip: string,
    port: number,
    name: string,
    message: OutgoingMessage,
    addresses: string[],
    plain: boolean,
  ): Promise<SessionResult> {
    const transport = createTransport({
      host: ip,
      port,
      secure: false,
      ignoreTLS: plain,
      // Opportunistic TLS: encryption when offered, no certificate check (RFC 7435).
      tls: { servername: name, rejectUnauthorized: false, minVersion: 'TLSv1.2' },
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
        result.failure = { code, text, tls: tls && !plain };
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
