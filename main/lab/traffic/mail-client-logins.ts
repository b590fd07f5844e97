/**
 * Simulated mail users: an IMAP user (imapflow, as a desktop mail program syncs: log in, open
 * INBOX, read the newest envelopes, log out) and a POP3 user (node-pop3 over implicit TLS: STAT,
 * UIDL, QUIT), both through the director's proxy, which finds the user's store.
 */
import type { Socket } from 'node:net';
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

/**
 * The longest a whole session may take. Each client has its own timeouts, but not for everything:
 * node-pop3 leaves a command's promise pending for ever when its socket times out or closes after
 * the greeting (it rejects only the connect), and a promise no socket or timer holds lets Node end
 * the run with exit code 13 before the summary. So every session is bounded here, and its socket
 * closed when the bound is reached.
 */
export const sessionDeadlineMs = 60_000;

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
  const session = async (): Promise<LoginOutcome> => {
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
  };
  return bounded(session(), () => client.close());
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
  // node-pop3 emits 'error' for a '-ERR' that no command waits for (a greeting refusal); without a
  // listener that would throw out of the socket's data handler.
  pop3.on('error', () => {});
  const session = async (): Promise<LoginOutcome> => {
    const stat = await pop3.STAT();
    await pop3.UIDL();
    await pop3.QUIT();
    return { ok: true, messages: Number(stat.split(' ')[0]) || 0 };
  };
  // node-pop3 keeps its socket in `_socket` and has no close(): destroying it is how a session ends early.
  return bounded(session(), () => (pop3 as unknown as { _socket: Socket | null })._socket?.destroy());
}

/** A session's outcome, or a failure in words when it has not ended within sessionDeadlineMs. */
async function bounded(session: Promise<LoginOutcome>, close: () => void): Promise<LoginOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<LoginOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ ok: false, reason: `no answer within ${sessionDeadlineMs / 1000} s` }),
      sessionDeadlineMs,
    );
  });
  try {
    const outcome = await Promise.race([
      session.catch((error: unknown): LoginOutcome => ({ ok: false, reason: reasonOf(error) })),
      deadline,
    ]);
    if (!outcome.ok) close();
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

function reasonOf(error: unknown): string {
  const failure = error as { responseText?: unknown; message?: unknown };
  return String(failure.responseText ?? failure.message ?? error);
}
