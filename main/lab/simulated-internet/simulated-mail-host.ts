/**
 * The simulated internet's mail host: an SMTP server (smtp-server) on loopback that accepts,
 * defers (4xx) or rejects (5xx) each recipient by rule and records what it accepted. Rules are
 * matched in order against the recipient address (`user@domain`) or its domain (`domain`); the
 * first match wins, no match accepts. STARTTLS is offered when credentials are given.
 *
 * ```ts
 * const host = await startSimulatedMailHost({ rules: [
 *   { match: 'slow.example', action: 'defer' },
 *   { match: 'nobody@outside.example', action: 'reject', reply: '550 5.1.1 no such user' },
 * ] });
 * host.port; host.messages; await host.waitForMessages(1); await host.stop();
 * ```
 */
import type { AddressInfo } from 'node:net';
import type { SecureVersion } from 'node:tls';
import { SMTPServer } from 'smtp-server';

/** What the host does with a recipient. */
export interface SimulatedMailRule {
  /** A full address or a domain, case-insensitive. */
  match: string;
  action: 'accept' | 'defer' | 'reject';
  /** Reply line, e.g. `450 4.2.0 mailbox busy`; default per action. */
  reply?: string;
}

/** A message the host accepted. */
export interface SimulatedMailMessage {
  sender: string;
  recipients: string[];
  content: Buffer;
  /** Whether the session was under STARTTLS. */
  secure: boolean;
  helo: string;
}

/** A running simulated mail host. */
export interface SimulatedMailHost {
  host: string;
  port: number;
  readonly messages: SimulatedMailMessage[];
  /** Recipients refused so far with the reply sent. */
  readonly refusals: { recipient: string; reply: string }[];
  /** Replaces the rules. */
  setRules(rules: SimulatedMailRule[]): void;
  /** Resolves once at least `count` messages were accepted. */
  waitForMessages(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

const defaultReplies = {
  defer: '450 4.2.0 mailbox temporarily unavailable',
  reject: '550 5.1.1 no such user',
};

/** Starts a host on `host` (default 127.0.0.1), port 0 = a free one. */
export async function startSimulatedMailHost(options: {
  rules?: SimulatedMailRule[];
  host?: string;
  port?: number;
  /**
   * Offer STARTTLS with this certificate; `maxVersion: 'TLSv1.1'` makes a host whose handshake
   * fails with modern clients (they then retry in plain text).
   */
  tls?: { cert: Buffer; key: Buffer; maxVersion?: SecureVersion };
  /** Largest message, bytes (default 50 MiB). */
  maxMessageBytes?: number;
  /**
   * Keep only the newest this many messages and refusals (default: all). The lab runs for hours
   * under `lab traffic`; tests keep everything to look at it.
   */
  keepMessages?: number;
}): Promise<SimulatedMailHost> {
  const keep = options.keepMessages ?? Number.POSITIVE_INFINITY;
  let acceptedCount = 0;
  let rules = options.rules ?? [];
  const messages: SimulatedMailMessage[] = [];
  const refusals: { recipient: string; reply: string }[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    name: 'mx.simulated.example',
    banner: 'simulated internet ESMTP',
    disableReverseLookup: true,
    authOptional: true,
    disabledCommands: options.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
    ...(options.tls
      ? { cert: options.tls.cert, key: options.tls.key, maxVersion: options.tls.maxVersion }
      : {}),
    size: options.maxMessageBytes ?? 50 * 1024 * 1024,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      const rule = findRule(rules, address.address);
      if (!rule || rule.action === 'accept') return callback();
      const reply = rule.reply ?? defaultReplies[rule.action];
      refusals.push({ recipient: address.address, reply });
      if (refusals.length > keep) refusals.shift();
      const code = Number(reply.slice(0, 3));
      callback(Object.assign(new Error(reply.slice(4)), { responseCode: code }));
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (stream.sizeExceeded)
          return callback(Object.assign(new Error('5.3.4 too big'), { responseCode: 552 }));
        messages.push({
          sender: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          recipients: session.envelope.rcptTo.map((r) => r.address),
          content: Buffer.concat(chunks),
          secure: session.secure,
          helo: session.hostNameAppearsAs,
        });
        acceptedCount++;
        if (messages.length > keep) messages.shift();
        for (const wake of waiters) wake();
        callback(null, '2.0.0 accepted by the simulated internet');
      });
    },
  });
  server.on('error', () => {});
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  return {
    host,
    port: (server.server.address() as AddressInfo).port,
    messages,
    refusals,
    setRules: (next) => {
      rules = next;
    },
    waitForMessages: (count, timeoutMs = 20_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (acceptedCount < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`simulated mail host: ${messages.length} of ${count} messages after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function findRule(rules: SimulatedMailRule[], address: string): SimulatedMailRule | undefined {
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return rules.find((rule) => {
    const match = rule.match.toLowerCase();
    return match === lower || match === domain;
  });
}
