/**
 * An SMTP reply the gateway gives instead of accepting: a code, an enhanced status code (RFC 3463)
 * and words for the sender's postmaster. Decisions return these; the SMTP wiring sends them.
 */

/** A refusal or deferral as the SMTP server will send it. */
export interface SmtpReply {
  /** 4xx (try again later) or 5xx (permanent). */
  code: number;
  /** Enhanced status code, e.g. `4.7.1`. */
  enhanced: string;
  message: string;
}

/** Thrown when envelope input cannot be used (malformed address or client IP); carries the reply to send. */
export class SmtpInputError extends Error {
  constructor(readonly reply: SmtpReply) {
    super(`${reply.code} ${reply.enhanced} ${reply.message}`);
    this.name = 'SmtpInputError';
  }
}
