/**
 * What happens after the directory said yes to a POP3 login: the maildrop lock (one POP3 session
 * per user, RFC 1939) and opening the INBOX, each refusal as its reply line.
 */
import { isIP } from 'node:net';
import type { MailLoginSuccess } from '../mail-login.js';
import { MailStorageError } from '../mail-storage.js';
import type { Pop3SessionContext } from './pop3-context.js';
import { Pop3Maildrop } from './pop3-maildrop.js';
import { err } from './pop3-replies.js';

/** Takes the lock and opens the INBOX, or says why not (the lock is released again then). */
export async function openMaildrop(
  context: Pop3SessionContext,
  login: MailLoginSuccess,
  owner: object,
  clientAddress: string,
): Promise<{ maildrop: Pop3Maildrop } | { refusal: string }> {
  if (!context.lockMaildrop(login.user, owner))
    return { refusal: err(`the maildrop of ${login.user} is in use by another POP3 session`, 'IN-USE') };
  try {
    const mailbox = await context.storage.mailbox(login.user, login.quotaBytes);
    return { maildrop: new Pop3Maildrop(await mailbox.openFolder('INBOX')) };
  } catch (error) {
    context.releaseMaildrop(login.user, owner);
    // A hold (mailbox move) is a lock in RFC 2449's sense: IN-USE tells the client to retry later.
    if (error instanceof MailStorageError && error.code === 'held')
      return { refusal: err(`the mailbox of ${login.user} is on hold: try again later`, 'IN-USE') };
    context.event({ kind: 'error', clientAddress, error: String(error) });
    return { refusal: err('the mailbox cannot be opened now: try again later', 'SYS/TEMP') };
  }
}

/** Whether a client address is this machine (plain-text logins are allowed from there). */
export function isLoopback(address: string): boolean {
  return address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));
}
