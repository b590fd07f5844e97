/**
 * The trace headers a final delivery adds on top of a message (RFC 5321 4.4): Return-Path with
 * the envelope sender, Delivered-To with the recipient, and a Received line for this hop.
 */

/** Envelope and connection facts for the trace headers. */
export interface DeliveryTrace {
  /** Envelope sender ('' for the null sender). */
  sender: string;
  /** The RCPT TO address as given. */
  recipient: string;
  /** The name the client gave in LHLO. */
  clientName: string;
  clientAddress: string;
  /** This store's name. */
  serverName: string;
  /** Transaction id (for matching logs). */
  id: string;
  at: Date;
}

// Envelope values reach a header: anything but printable ASCII (no CR, LF, controls) is dropped.
function clean(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '');
}

/** An RFC 5322 date in UTC (`Sat, 28 Nov 2026 03:57:09 +0000`). */
export function rfc5322Date(at: Date): string {
  return at.toUTCString().replace(/GMT$/, '+0000');
}

/** The header block (CRLF line ends) to put before the message. */
export function traceHeaders(trace: DeliveryTrace): Buffer {
  const received =
    `Received: from ${clean(trace.clientName) || 'unknown'} ([${clean(trace.clientAddress)}])\r\n` +
    `\tby ${clean(trace.serverName)} with LMTP id ${clean(trace.id)}\r\n` +
    `\tfor <${clean(trace.recipient)}>; ${rfc5322Date(trace.at)}\r\n`;
  return Buffer.from(
    `Return-Path: <${clean(trace.sender)}>\r\nDelivered-To: ${clean(trace.recipient)}\r\n${received}`,
    'latin1',
  );
}
