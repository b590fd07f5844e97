/**
 * Delivery status notifications (RFC 3464): a multipart/report of a readable part (English and
 * Japanese), a message/delivery-status part with one block per recipient, and the original
 * message's headers as text/rfc822-headers. Sent from the null sender `<>`, so a DSN never causes
 * another DSN.
 */
import { randomBytes } from 'node:crypto';
import { dsnSubject, dsnText } from './dsn-text.js';

/** One recipient a DSN reports on. */
export interface DsnRecipient {
  /** Address the queue delivered to. */
  finalRecipient: string;
  /** Address the client gave at RCPT. */
  originalRecipient: string;
  /** The reply or reason of the last attempt. */
  reason: string;
  /** Host name of the remote MTA that replied, when one did. */
  remoteMta?: string;
  /** Epoch ms of the last attempt. */
  lastAttemptAt?: number;
}

/** Everything a DSN says. */
export interface DsnReport {
  /** `failed`: the queue gave up (bounce); `delayed`: a warning, still retrying. */
  action: 'failed' | 'delayed';
  /** The reporting MTA's host name. */
  reportingMta: string;
  /** Queue id of the original message. */
  queueId: string;
  /** Envelope sender of the original message: the DSN's recipient. */
  sender: string;
  /** Epoch ms when the original message got its 250. */
  arrivedAt: number;
  recipients: DsnRecipient[];
  /** Delayed: when the queue will give up (epoch ms). */
  retryUntil?: number;
  /** The original message (only its header section is attached). */
  original: Buffer;
  /** Epoch ms, the DSN's Date. */
  now: number;
}

// Header lines stay under RFC 5322's 998 octets; replies are cut well before that.
const maxFieldText = 900;

/** The RFC 3463 status for a reason: the enhanced code in it, else a generic one for the action. */
export function dsnStatus(reason: string, action: DsnReport['action']): string {
  const match = reason.match(/(?:^|\s)([245])\.(\d{1,3})\.(\d{1,3})(?=\s|$|[.,;:])/);
  if (match) return `${match[1]}.${match[2]}.${match[3]}`;
  return action === 'failed' ? '5.0.0' : '4.0.0';
}

/** The Diagnostic-Code value: the SMTP reply when the reason carries one, else our own text. */
export function dsnDiagnostic(reason: string): string {
  const text = fieldText(reason);
  const reply = text.match(/(?:^|\s)([245]\d\d[ -].*)$/);
  return reply ? `smtp; ${reply[1]}` : `X-mailfleet; ${text}`;
}

/** Builds the DSN message (CRLF line ends, 7-bit except the attached original headers). */
export function buildDsn(report: DsnReport): Buffer {
  const boundary = `dsn-${randomBytes(12).toString('hex')}`;
  const mta = fieldText(report.reportingMta);
  const readable = dsnText({
    action: report.action,
    reportingMta: mta,
    recipients: report.recipients.map((r) => ({
      address: r.finalRecipient,
      diagnostic: fieldText(r.reason),
    })),
    retryUntil: report.retryUntil,
  });
  const perMessage = [
    `Reporting-MTA: dns; ${mta}`,
    `X-Mailfleet-Queue-ID: ${report.queueId}`,
    `Arrival-Date: ${new Date(report.arrivedAt).toUTCString()}`,
  ];
  const perRecipient = report.recipients.map((r) =>
    [
      `Final-Recipient: rfc822; ${fieldText(r.finalRecipient)}`,
      `Original-Recipient: rfc822; ${fieldText(r.originalRecipient)}`,
      `Action: ${report.action}`,
      `Status: ${dsnStatus(r.reason, report.action)}`,
      ...(r.remoteMta ? [`Remote-MTA: dns; ${fieldText(r.remoteMta)}`] : []),
      `Diagnostic-Code: ${dsnDiagnostic(r.reason)}`,
      ...(r.lastAttemptAt ? [`Last-Attempt-Date: ${new Date(r.lastAttemptAt).toUTCString()}`] : []),
      ...(report.action === 'delayed' && report.retryUntil
        ? [`Will-Retry-Until: ${new Date(report.retryUntil).toUTCString()}`]
        : []),
    ].join('\r\n'),
  );
  const head = [
    `From: Mail Delivery System <MAILER-DAEMON@${mta}>`,
    `To: <${fieldText(report.sender)}>`,
    `Subject: ${encodeWords(dsnSubject(report.action))}`,
    `Date: ${new Date(report.now).toUTCString()}`,
    `Message-ID: <${report.queueId}.${report.action}.${report.now.toString(36)}@${mta}>`,
    // RFC 3834: machines answering this must not auto-reply to it.
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    'This is a MIME-encapsulated delivery status notification.',
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    'Content-Description: Notification',
    '',
    base64Lines(readable),
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    'Content-Description: Delivery report',
    '',
    perMessage.join('\r\n'),
    '',
    perRecipient.join('\r\n\r\n'),
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    'Content-Description: Undelivered message headers',
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n--${boundary}--\r\n`;
  return Buffer.concat([Buffer.from(head), originalHeaders(report.original), Buffer.from(tail)]);
}

/** The header section of a message, with CRLF line ends and without the blank line. */
export function originalHeaders(message: Buffer): Buffer {
  const end = message.indexOf('\r\n\r\n');
  const section = end < 0 ? message : message.subarray(0, end);
  return Buffer.from(section.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** One line of text for a header field: controls and line breaks dropped, length capped. */
function fieldText(text: string): string {
  return (
    text
      .replace(/[\r\n\t]+/g, ' ')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes
      .replace(/[\x00-\x1f\x7f]/g, '')
      .slice(0, maxFieldText)
  );
}

/** RFC 2047 encoded-words for a non-ASCII header value, each under 76 characters. */
function encodeWords(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const char of text) {
    // 45 bytes of UTF-8 become 60 characters of base64, within one encoded-word.
    if (Buffer.byteLength(chunk + char) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += char;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

function base64Lines(text: string): string {
  const encoded = Buffer.from(text).toString('base64');
  return (encoded.match(/.{1,76}/g) ?? []).join('\r\n');
}
