/**
 * POP3 reply lines: `+OK`/`-ERR` with RFC 2449 / RFC 3206 response codes, and the mapping from a
 * refused login to its reply. Every `-ERR` says what went wrong in words.
 */
import type { MailLoginFailure } from '../mail-login.js';

/** RFC 2449 / RFC 3206 response codes the server uses. */
export type Pop3ResponseCode = 'IN-USE' | 'LOGIN-DELAY' | 'AUTH' | 'SYS/TEMP' | 'SYS/PERM';

/** `+OK text` with CRLF. */
export function ok(text: string): string {
  return `+OK ${text}\r\n`;
}

/** `-ERR [CODE] text` with CRLF. */
export function err(text: string, code?: Pop3ResponseCode): string {
  return code ? `-ERR [${code}] ${text}\r\n` : `-ERR ${text}\r\n`;
}

/** The CAPA answer (RFC 2449); what is offered depends on the state and on TLS. */
export function capabilityList(offer: {
  authorization: boolean;
  offerStls: boolean;
  offerLogin: boolean;
}): string {
  const lines = ['TOP', 'UIDL', 'RESP-CODES', 'AUTH-RESP-CODE', 'PIPELINING', 'EXPIRE NEVER'];
  if (offer.authorization) {
    if (offer.offerStls) lines.push('STLS');
    if (offer.offerLogin) lines.push('USER', 'SASL PLAIN');
  }
  lines.push('IMPLEMENTATION mailfleet');
  return `${ok('capability list follows')}${lines.join('\r\n')}\r\n.\r\n`;
}

/** The reply to a refused login. */
export function loginFailureReply(failure: MailLoginFailure): string {
  switch (failure.reason) {
    case 'invalid-credentials':
    case 'disabled':
      return err(failure.message, 'AUTH');
    case 'moving':
      // A move holds the mailbox like a lock: RFC 2449 IN-USE tells the client to retry later.
      return err(failure.message, 'IN-USE');
    case 'throttled':
    case 'unavailable':
      return err(failure.message, 'SYS/TEMP');
    case 'wrong-store':
      return err(failure.message, 'SYS/PERM');
  }
}

/**
 * A message's bytes as a POP3 multi-line body: lines starting with `.` get another `.` (RFC 1939
 * byte-stuffing), the body ends with CRLF, then the terminating `.` line.
 */
export function multiLineBody(message: Buffer): Buffer {
  const parts: Buffer[] = [];
  let start = 0;
  if (message.length > 0 && message[0] === 0x2e) parts.push(Buffer.from('.'));
  for (;;) {
    const dot = message.indexOf('\n.', start);
    if (dot === -1) break;
    parts.push(message.subarray(start, dot + 1), Buffer.from('.'));
    start = dot + 1;
  }
  parts.push(message.subarray(start));
  const endsWithCrlf =
    message.length >= 2 && message[message.length - 2] === 0x0d && message[message.length - 1] === 0x0a;
  parts.push(Buffer.from(message.length === 0 || endsWithCrlf ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}

/** The header and the first `lines` lines of the body (POP3 TOP). */
export function messageTop(message: Buffer, lines: number): Buffer {
  const split = message.indexOf('\r\n\r\n');
  if (split === -1) return message;
  const bodyStart = split + 4;
  let end = bodyStart;
  for (let i = 0; i < lines && end < message.length; i++) {
    const next = message.indexOf('\n', end);
    end = next === -1 ? message.length : next + 1;
  }
  return message.subarray(0, end);
}
