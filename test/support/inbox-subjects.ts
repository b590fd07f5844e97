/**
 * The subjects of a user's INBOX, read with imapflow (a client no one here wrote) from an IMAP port
 * on 127.0.0.1; STARTTLS is used when offered, without checking the test certificate.
 */
import { loopbackImapFlow } from './loopback-imapflow.js';

/** Logs in, reads every message's subject in order, logs out. */
export async function inboxSubjects(port: number, user: string, password: string): Promise<string[]> {
  const client = loopbackImapFlow(port, user, password, { tls: { rejectUnauthorized: false } });
  await client.connect();
  try {
    await client.mailboxOpen('INBOX');
    const subjects: string[] = [];
    for await (const message of client.fetch('1:*', { envelope: true }))
      subjects.push(message.envelope?.subject ?? '');
    return subjects;
  } finally {
    await client.logout();
  }
}
