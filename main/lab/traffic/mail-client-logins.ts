/**
 * Simulated mail users: an IMAP user (imapflow, as a desktop mail program syncs: log in, open
 * INBOX, read the newest envelopes, log out) and a POP3 user (node-pop3 over implicit TLS: STAT,
 * UIDL, QUIT), both through the director's proxy, which finds the user's store.
 */
import { ImapFlow } from 'imapflow';
import Pop3Command from 'node-pop3';

/** A host and port. */
export interface HostPort {
  host: string;
  port: number;
}

/** A lab user's login. */
export interface MailLogin {
  address: string;
  password: string;
}

/** What one simulated session saw. */
export type LoginOutcome = { ok: true; messages: number } | { ok: false; reason: string };

/** One IMAP session: STARTTLS when offered (checked against the lab CA), LOGIN, INBOX, last envelopes. */
export async function imapSession(endpoint: HostPort, login: MailLogin, ca: string): Promise<LoginOutcome> {
  const client = new ImapFlow({
    host: endpoint.host,
    port: endpoint.port,
    secure: false,
    auth: { user: login.address, pass: login.password },
    tls: { ca, servername: 'localhost' },
    logger: false,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
  });
  // imapflow emits 'error' for a dropped socket; the outcome comes from the awaited calls.
  client.on('error', () => {});
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen('INBOX', { readOnly: true });
    if (mailbox.exists > 0) {
      const from = Math.max(1, mailbox.exists - 2);
      for await (const _message of client.fetch(`${from}:*`, { envelope: true })) {
        // Reading the envelopes is the point: a mail program lists the newest messages.
      }
    }
    await client.logout();
    return { ok: true, messages: mailbox.exists };
  } catch (error) {
    client.close();
    return { ok: false, reason: reasonOf(error) };
  }
}

/** One POP3 session over implicit TLS: STAT, UIDL, QUIT (a phone checking for new mail). */
export async function pop3Session(endpoint: HostPort, login: MailLogin, ca: string): Promise<LoginOutcome> {
  const pop3 = new Pop3Command({
    host: endpoint.host,
    port: endpoint.port,
    user: login.address,
    password: login.password,
    tls: true,
    tlsOptions: { ca },
    servername: 'localhost',
    timeout: 15_000,
  });
  try {
    const stat = await pop3.STAT();
    await pop3.UIDL();
    await pop3.QUIT();
    return { ok: true, messages: Number(stat.split(' ')[0]) || 0 };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}

function reasonOf(error: unknown): string {
  const failure = error as { responseText?: unknown; message?: unknown };
  return String(failure.responseText ?? failure.message ?? error);
}
