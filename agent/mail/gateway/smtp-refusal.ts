/**
 * An SMTP reply the gateway gives instead of accepting: a code, an enhanced status code (RFC 3463)
 * and words for the sender's postmaster. Decisions return these; the SMTP wiring sends them as
 * {@link smtpError}.
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

/** The error smtp-server sends as this reply. */
export function smtpError(reply: SmtpReply): Error {
  // Enhanced codes are written into the text: smtp-server's own mapping would give 451 4.3.0, not the
  // 4.7.1 greylisting senders expect; its automatic codes are turned off (hideENHANCEDSTATUSCODES).
  return Object.assign(new Error(`${reply.enhanced} ${reply.message}`), { responseCode: reply.code });
}
