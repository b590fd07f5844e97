/**
 * The searchable text of a message (SEARCH BODY/TEXT/HEADER and the address keys): header values
 * decoded, and the bodies of text parts with their transfer encoding and charset undone.
 */
import { paramValue } from './content-params.js';
import { type HeaderField, headerValue } from './message-headers.js';
import type { MimePart } from './mime-tree.js';
import { decodeCharset, decodeHeaderValue, decodeQuotedPrintable } from './text-decoding.js';

/** Raw body bytes of a leaf part with its Content-Transfer-Encoding undone. */
export function decodeTransfer(message: Buffer, part: MimePart): Buffer {
  const body = message.subarray(part.bodyStart, part.bodyEnd);
  const encoding = (headerValue(part.fields, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.toString('latin1'));
  return body;
}

/** Decoded text of every text/* leaf, also inside encapsulated messages (their headers too), joined by newlines. */
export function bodyText(message: Buffer, root: MimePart): string {
  const texts: string[] = [];
  const stack: MimePart[] = [root];
  while (stack.length > 0) {
    const part = stack.pop()!;
    if (part.type === 'multipart') {
      for (let i = part.children.length - 1; i >= 0; i--) stack.push(part.children[i]!);
    } else if (part.message) {
      texts.push(headerText(part.message.fields));
      stack.push(part.message);
    } else if (part.type === 'text') {
      texts.push(decodeCharset(decodeTransfer(message, part), paramValue(part.params, 'charset')));
    }
  }
  return texts.join('\n');
}

/** All header fields as `Name: decoded value` lines. */
export function headerText(fields: readonly HeaderField[]): string {
  return fields.map((field) => `${field.key}: ${decodeHeaderValue(field.value)}`).join('\n');
}
