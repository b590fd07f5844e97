/**
 * One SMTP transaction as an outside mail server or a mail program would make it (nodemailer, one
 * connection per message), and what came of it in the administrator's terms: accepted,
 * greylisted (try again later), refused (5xx), deferred (other 4xx) or failed (no answer).
 */
import { createTransport } from 'nodemailer';

/** Where and how to send. */
export interface SmtpEndpoint {
  host: string;
  port: number;
  /** SMTP AUTH (submission); only ever sent over TLS. */
  auth?: { user: string; pass: string };
  /** CA to check the server's certificate with, for STARTTLS. */
  ca?: string;
  /** Refuse to send without STARTTLS (submission with AUTH). */
  requireTls?: boolean;
}

/** The outcome of one transaction. */
export type SendOutcome =
  | { kind: 'accepted'; reply: string }
  | { kind: 'greylisted'; retryAfterMs: number; reply: string }
  | { kind: 'refused'; code: number; reply: string }
  | { kind: 'deferred'; code: number; reply: string }
  | { kind: 'failed'; reason: string };

const greylistRetry = /retry in (\d+) seconds/i;

/** Sends `raw` from `from` to `to` through `endpoint`, from the local address `localAddress`. */
export async function sendMessage(
  endpoint: SmtpEndpoint,
  envelope: { from: string; to: string },
  raw: Buffer,
  localAddress?: string,
): Promise<SendOutcome> {
  const transport = createTransport({
    host: endpoint.host,
    port: endpoint.port,
    secure: false,
    ...(localAddress ? { localAddress } : {}),
    ...(endpoint.auth ? { auth: endpoint.auth } : {}),
    requireTLS: endpoint.requireTls ?? false,
    // Outside servers try STARTTLS when offered and check nothing; our own clients check the lab's CA.
    tls: endpoint.ca ? { ca: endpoint.ca, servername: 'localhost' } : { rejectUnauthorized: false },
    name: localAddress ? `client-${localAddress.replaceAll('.', '-')}.example.net` : 'traffic.example.net',
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 120_000,
  });
  try {
    const info = await transport.sendMail({ envelope, raw });
    return { kind: 'accepted', reply: String(info.response ?? '250') };
  } catch (error) {
    return outcomeOfError(error);
  } finally {
    transport.close();
  }
}

function outcomeOfError(error: unknown): SendOutcome {
  const failure = error as { responseCode?: unknown; response?: unknown; message?: unknown };
  const code = typeof failure.responseCode === 'number' ? failure.responseCode : 0;
  const reply = String(failure.response ?? failure.message ?? error);
  if (code === 0) return { kind: 'failed', reason: reply };
  if (code >= 500) return { kind: 'refused', code, reply };
  const retry = greylistRetry.exec(reply);
  if (retry && /4\.7\.1/.test(reply))
    return { kind: 'greylisted', retryAfterMs: Number(retry[1]) * 1000, reply };
  return { kind: 'deferred', code, reply };
}
