/**
 * What an authenticated SMTP client is told: the reply to a refused AUTH, and the check of its
 * envelope sender against its own addresses, as Postfix's `reject_sender_login_mismatch` does with
 * `smtpd_sender_login_maps` (here the map is the user's entry: `mail` and every `mailLocalAddress`).
 *
 * Group and alias addresses are not the login's own: a group is a list of members, none of whom
 * owns its address, and letting every member send as it would let any of them speak for the list.
 * The null sender `<>` is allowed (auto-replies, read receipts), as Postfix does. The From: header is
 * not checked (Postfix does not either): the envelope is what bounces and SPF act on, and the
 * Received header names the authenticated client.
 */
import type { DirectorLoginFailure } from '../director-authenticator.js';

function smtpReply(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/**
 * The SMTP reply to a refused AUTH: 535 5.7.8 for wrong credentials (RFC 4954), 525 5.7.13 for a
 * disabled mailbox (RFC 5248: said only after the right password), 454 4.7.0 for anything
 * temporary (throttled, being moved, directory down), as Postfix answers when its SASL backend fails
 * temporarily.
 */
export function authReply(failure: DirectorLoginFailure): Error {
  switch (failure.reason) {
    case 'invalid-credentials':
      return smtpReply(535, '5.7.8 authentication failed');
    case 'disabled':
      return smtpReply(525, `5.7.13 ${failure.message}`);
    default:
      return smtpReply(454, `4.7.0 ${failure.message}`);
  }
}

/**
 * The 553 5.7.1 refusal of an envelope sender the authenticated login does not own, else undefined.
 * `senders` are the login's addresses (lower case); unauthenticated sessions are not checked here.
 */
export function senderLoginMismatch(
  sender: string,
  login: string | undefined,
  senders: ReadonlySet<string> | undefined,
): Error | undefined {
  if (!login || sender === '') return undefined;
  if (senders?.has(sender.toLowerCase())) return undefined;
  return smtpReply(553, `5.7.1 <${sender}>: sender address rejected: not owned by user ${login}`);
}
