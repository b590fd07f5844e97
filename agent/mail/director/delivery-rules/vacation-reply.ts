/**
 * The vacation auto-reply (RFC 3834) of a mail user: whether a message gets one, and the reply.
 * The once-per-sender record is vacation-record.ts; the director calls both when it accepts a
 * message for the user (docs/self-service.md).
 */
import { randomBytes } from 'node:crypto';
import type { UserVacation } from '../../../common/directory/user-self-service.js';

/** A header field, unfolded. */
export interface HeaderField {
  name: string;
  value: string;
}

/** What the decision reads of a received message. */
export interface ReceivedMail {
  /** The envelope sender (Return-Path); '' for the null sender. */
  sender: string;
  headers: readonly HeaderField[];
  /** The decoded Subject, when the message has one. */
  subject?: string;
}

/** Why no reply is sent, in words (for the log), or 'reply'. */
export type VacationDecision = { reply: true } | { reply: false; because: string };

// Senders that are programs, not people (RFC 3834 section 2, and the usual vacation(1) list).
const robotLocalParts =
  /^(mailer-daemon|postmaster|listserv|majordomo|owner-.*|.*-request|.*-owner|.*-bounces?|no-?reply|bounce.*)$/i;

/** Whether the vacation of `user` (addresses: primary and local ones) answers this message now. */
export function vacationDecision(
  vacation: UserVacation | undefined,
  userAddresses: readonly string[],
  mail: ReceivedMail,
  now: number,
): VacationDecision {
  if (!vacation?.active) return { reply: false, because: 'no vacation reply is on' };
  if (now < vacation.startsAt || now >= vacation.endsAt)
    return { reply: false, because: 'outside the vacation dates' };
  if (mail.sender === '') return { reply: false, because: 'the null sender (a bounce or notice)' };
  const at = mail.sender.lastIndexOf('@');
  if (at <= 0 || robotLocalParts.test(mail.sender.slice(0, at)))
    return { reply: false, because: 'the sender is a mailer or list address' };
  const field = (name: string) => mail.headers.filter((h) => h.name.toLowerCase() === name);
  const auto = field('auto-submitted')[0]?.value.trim().toLowerCase();
  if (auto !== undefined && !/^no\b/.test(auto)) return { reply: false, because: `Auto-Submitted: ${auto}` };
  const precedence = field('precedence')[0]?.value.trim().toLowerCase();
  if (precedence !== undefined && ['bulk', 'junk', 'list'].includes(precedence))
    return { reply: false, because: `Precedence: ${precedence}` };
  const list = mail.headers.find((h) => /^list-/i.test(h.name));
  if (list) return { reply: false, because: `a mailing list (${list.name})` };
  // Other robots' marks (Microsoft's and older auto-responders).
  if (field('x-auto-response-suppress').some((h) => /\b(all|oof|autoreply)\b/i.test(h.value)))
    return { reply: false, because: 'X-Auto-Response-Suppress' };
  const own = new Set(userAddresses.map((a) => a.toLowerCase()));
  const addressed = [...field('to'), ...field('cc')].some((h) =>
    addressesIn(h.value).some((a) => own.has(a)),
  );
  // Bcc'd or through an alias or list it did not name: RFC 3834 3.1.1 says do not reply.
  if (!addressed) return { reply: false, because: "the user's address is not in To or Cc" };
  return { reply: true };
}

/** The plain addresses in an address-list header value, lower case. */
export function addressesIn(value: string): string[] {
  const found = value.match(/[^\s<>,;:"()]+@[^\s<>,;:"()]+/g) ?? [];
  return found.map((a) => a.toLowerCase());
}

/** The reply message (CRLF lines), to go from the null sender to `mail.sender`. */
export function vacationReply(options: {
  vacation: UserVacation;
  /** The user's primary address: the reply's From. */
  from: string;
  mail: ReceivedMail;
  /** Host name for the Message-ID. */
  host: string;
  now: number;
}): Buffer {
  const { vacation, from, mail, host, now } = options;
  const field = (name: string) => mail.headers.find((h) => h.name.toLowerCase() === name)?.value.trim();
  const messageId = field('message-id');
  const references = [field('references'), messageId].filter((v): v is string => Boolean(v)).join(' ');
  const subject = vacation.subject.trim() || `Auto: ${mail.subject ?? ''}`.trim();
  const lines = [
    `From: ${from}`,
    `To: ${mail.sender}`,
    `Subject: ${encodeWord(subject)}`,
    `Date: ${new Date(now).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${now.toString(36)}.${randomBytes(6).toString('hex')}@${host}>`,
    ...(messageId ? [`In-Reply-To: ${messageId}`] : []),
    ...(references ? [`References: ${references}`] : []),
    'Auto-Submitted: auto-replied',
    'Precedence: bulk',
    'X-Auto-Response-Suppress: All',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  const body = Buffer.from(vacation.body.replace(/\r?\n/g, '\r\n'), 'utf8')
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

/**
 * RFC 2047 encoded words for text that is not plain ASCII: at most 75 characters each (so a
 * 256-character Japanese subject becomes several, on folded lines), never splitting a character.
 */
function encodeWord(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  if ([...clean].every((c) => c >= ' ' && c <= '~')) return clean;
  const words: string[] = [];
  let chunk = '';
  for (const character of clean) {
    // 45 bytes encode to 60 base64 characters: with `=?UTF-8?B?` and `?=` a word stays under 75.
    if (Buffer.byteLength(chunk + character) > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += character;
  }
  if (chunk !== '') words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, 'utf8').toString('base64')}?=`).join('\r\n ');
}
