/**
 * LMTP replies as errors for smtp-server, which derives the enhanced status code from the reply
 * code (RFC 3463): 550 -> 5.1.1, 552 -> 5.2.2, 452 -> 4.2.2, 450 -> 4.2.1, 451 -> 4.3.0, 554 -> 5.6.0.
 * It offers no way to give another enhanced code, so reply codes are chosen for the code they carry.
 */

/** An error smtp-server turns into a reply line. */
export interface ReplyError extends Error {
  responseCode: number;
}

/** A reply error with a code and text. */
export function reply(responseCode: number, text: string): ReplyError {
  return Object.assign(new Error(text), { responseCode });
}

/** How an over-quota mailbox is answered: permanent (552 5.2.2, the default) or temporary (452 4.2.2). */
export type OverQuotaPolicy = 'permanent' | 'temporary';

/** Unknown recipient: 550 5.1.1. */
export const unknownUser = (address: string): ReplyError => reply(550, `<${address}>: no such user here`);

/** Mailbox full: 552 5.2.2 or 452 4.2.2 by policy. */
export const overQuota = (address: string, policy: OverQuotaPolicy): ReplyError =>
  reply(policy === 'temporary' ? 452 : 552, `<${address}>: mailbox is over quota`);

/** Held for a move: 450 4.2.1, temporary, so the director keeps the message queued. */
export const held = (address: string): ReplyError =>
  reply(450, `<${address}>: mailbox is being moved, try again later`);

/** Directory or storage trouble: 451 4.3.0, temporary. */
export const temporaryFailure = (address: string, why: string): ReplyError =>
  reply(451, `<${address}>: ${why}, try again later`);

/** Refused content (bare LF or CR, NUL): 554 5.6.0. */
export const badData = (why: string): ReplyError => reply(554, `${why}; message refused`);
