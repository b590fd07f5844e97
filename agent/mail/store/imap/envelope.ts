/**
 * FETCH ENVELOPE (RFC 3501 7.4.2), built from the raw header: strings are passed through byte for
 * byte (encoded-words stay encoded, 8-bit and ISO-2022-JP bytes go out as literals); clients decode.
 */

import { imapString } from '../../protocol/imap/imap-string.js';
import { type EnvelopeAddress, parseAddressList } from './address-list.js';
import { type HeaderField, headerValue } from './message-headers.js';

function formatAddress(address: EnvelopeAddress): string {
  return `(${imapString(address.name)} ${imapString(address.adl)} ${imapString(address.mailbox)} ${imapString(address.host)})`;
}

function addressList(fields: readonly HeaderField[], key: string): string | undefined {
  const value = headerValue(fields, key);
  if (value === undefined || value === '') return undefined;
  const addresses = parseAddressList(value);
  if (addresses.length === 0) return undefined;
  return `(${addresses.map(formatAddress).join('')})`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** The ENVELOPE of a message or encapsulated message, from its header fields (latin1). */
export function formatEnvelope(fields: readonly HeaderField[]): string {
  const from = addressList(fields, 'from');
  // An absent or empty Sender/Reply-To is set to From (RFC 3501 7.4.2).
  const sender = addressList(fields, 'sender') ?? from;
  const replyTo = addressList(fields, 'reply-to') ?? from;
  return `(${[
    imapString(nonEmpty(headerValue(fields, 'date'))),
    imapString(headerValue(fields, 'subject')),
    from ?? 'NIL',
    sender ?? 'NIL',
    replyTo ?? 'NIL',
    addressList(fields, 'to') ?? 'NIL',
    addressList(fields, 'cc') ?? 'NIL',
    addressList(fields, 'bcc') ?? 'NIL',
    imapString(nonEmpty(headerValue(fields, 'in-reply-to'))),
    imapString(nonEmpty(headerValue(fields, 'message-id'))),
  ].join(' ')})`;
}
