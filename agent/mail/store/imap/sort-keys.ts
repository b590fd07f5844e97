/**
 * What SORT (RFC 5256, SORT=DISPLAY RFC 5957) and THREAD need from a message's header, read once
 * and kept in a server-wide cache (a message never changes under its user, folder, UIDVALIDITY and
 * UID), so sorting a large folder again reads no files.
 */
import { type EnvelopeAddress, parseAddressList } from './address-list.js';
import { baseSubject, casemapKey } from './base-subject.js';
import { LruByteCache } from './lru-byte-cache.js';
import { parseMessageDate } from './message-date.js';
import { findHeaderEnd, type HeaderField, headerValue, parseHeaderFields } from './message-headers.js';
import { decodeHeaderValue } from './text-decoding.js';

/** Sort and thread keys of one message; strings are i;ascii-casemap keys (see casemapKey). */
export interface SortKeys {
  /** Base subject (RFC 5256 2.1). */
  subject: string;
  /** The subject said Re:, Fwd: or the like. */
  replyOrForward: boolean;
  /** addr-mailbox of the first From, To and Cc address (a group's name for a group). */
  from: string;
  to: string;
  cc: string;
  /** Display name of the first From/To address, else its address (RFC 5957). */
  displayFrom: string;
  displayTo: string;
  /** Sent date in ms since the epoch; undefined when there is no readable Date (INTERNALDATE then). */
  sentDate: number | undefined;
  /** First valid Message-ID, as written between the angle brackets. */
  messageId: string | undefined;
  /** Message-IDs of References, or the first of In-Reply-To when References has none (RFC 5256 3). */
  references: string[];
}

/** A long References field keeps its last IDs: the parent chain closest to the message. */
const maxReferences = 100;
/** Header fields read for the keys; longer headers are cut (they are mostly Received lines). */
const maxHeaderBytes = 256 * 1024;

const messageIdPattern = /<([^<>\s]+)>/g;

function messageIds(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...value.matchAll(messageIdPattern)].map((match) => match[1]!);
}

function firstAddress(fields: readonly HeaderField[], key: string): EnvelopeAddress | undefined {
  const value = headerValue(fields, key);
  return value === undefined ? undefined : parseAddressList(value)[0];
}

function displayName(address: EnvelopeAddress | undefined): string {
  if (!address) return '';
  const name = address.name === undefined ? '' : decodeHeaderValue(address.name).trim();
  if (name !== '') return name;
  const mailbox = address.mailbox ?? '';
  return address.host ? `${mailbox}@${address.host}` : mailbox;
}

function mailboxKey(address: EnvelopeAddress | undefined): string {
  return casemapKey(address?.mailbox ?? '');
}

/** The keys of a raw message (RFC 5322 bytes). */
export function messageSortKeys(raw: Buffer): SortKeys {
  const end = findHeaderEnd(raw, 0, Math.min(raw.length, maxHeaderBytes));
  const fields = parseHeaderFields(raw.toString('latin1', 0, end));
  const subject = baseSubject(decodeHeaderValue(headerValue(fields, 'subject') ?? ''));
  const from = firstAddress(fields, 'from');
  const to = firstAddress(fields, 'to');
  let references = messageIds(headerValue(fields, 'references'));
  if (references.length === 0) references = messageIds(headerValue(fields, 'in-reply-to')).slice(0, 1);
  return {
    subject: casemapKey(subject.subject),
    replyOrForward: subject.replyOrForward,
    from: mailboxKey(from),
    to: mailboxKey(to),
    cc: mailboxKey(firstAddress(fields, 'cc')),
    displayFrom: casemapKey(displayName(from)),
    displayTo: casemapKey(displayName(to)),
    sentDate: parseMessageDate(headerValue(fields, 'date')),
    messageId: messageIds(headerValue(fields, 'message-id'))[0],
    references: references.slice(-maxReferences),
  };
}

/** Keys of messages already read, shared by the sessions of a server. */
export class SortKeyCache extends LruByteCache<SortKeys> {
  constructor(maxBytes: number) {
    super(
      maxBytes,
      (keys) =>
        keys.subject.length +
        keys.from.length +
        keys.to.length +
        keys.cc.length +
        keys.displayFrom.length +
        keys.displayTo.length +
        (keys.messageId?.length ?? 0) +
        keys.references.reduce((sum, id) => sum + id.length + 16, 0) +
        128,
    );
  }
}
