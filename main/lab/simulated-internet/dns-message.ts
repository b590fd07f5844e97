/**
 * The few DNS wire-format pieces (RFC 1035) the simulated internet's responder needs: parse one
 * question defensively (any length or label error is a format error, never a crash) and encode an
 * authoritative answer with MX, A, AAAA, TXT (SPF, DKIM, DMARC, MTA-STS, TLS-RPT) and TLSA (DANE)
 * records.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** Record types the responder answers. */
export const dnsTypes = { A: 1, MX: 15, TXT: 16, AAAA: 28, TLSA: 52 } as const;

/** Response codes used. */
export const dnsRcodes = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4 } as const;

/** A parsed query. */
export interface DnsQuestion {
  id: number;
  /** Recursion-desired bit, echoed in the answer. */
  recursionDesired: boolean;
  /** Lower case, without the trailing dot. */
  name: string;
  type: number;
  /** The question section as received, echoed in the answer. */
  raw: Buffer;
  /**
   * The largest UDP answer the asker takes: 512 octets (RFC 1035), or what its EDNS0 OPT record
   * offers (RFC 6891). A larger answer is sent truncated (TC) so the asker retries over TCP.
   */
  udpPayloadLimit: number;
}

/** What parsing found: a question, a query to refuse with a code, or nothing worth answering. */
export type ParsedQuery =
  | { kind: 'question'; question: DnsQuestion }
  | { kind: 'refuse'; id: number; rcode: number }
  | { kind: 'drop' };

/** A record to put in an answer. */
export type DnsAnswer =
  | { type: typeof dnsTypes.MX; preference: number; exchange: string }
  | { type: typeof dnsTypes.A; address: string }
  | { type: typeof dnsTypes.AAAA; address: string }
  /** One TXT record; longer than 255 octets is split into several character-strings (RFC 7208 3.3). */
  | { type: typeof dnsTypes.TXT; text: string }
  /** A DANE TLSA record (RFC 6698): usage, selector, matching type and the data in hex. */
  | { type: typeof dnsTypes.TLSA; usage: number; selector: number; matchingType: number; data: string };

const headerBytes = 12;

/** Parses a query datagram; anything malformed is refused (FORMERR) or dropped, never thrown. */
export function parseQuery(datagram: Buffer): ParsedQuery {
  // Too short for a header, or a response (QR set): nothing to answer, and answering could loop.
  if (datagram.length < headerBytes || (datagram[2] ?? 0) & 0x80) return { kind: 'drop' };
  const id = datagram.readUInt16BE(0);
  const opcode = ((datagram[2] ?? 0) >> 3) & 0x0f;
  if (opcode !== 0) return { kind: 'refuse', id, rcode: dnsRcodes.notImp };
  if (datagram.readUInt16BE(4) !== 1) return { kind: 'refuse', id, rcode: dnsRcodes.formErr };
  const labels: string[] = [];
  let offset = headerBytes;
  let nameLength = 0;
  for (;;) {
    const length = datagram[offset];
    // Past the end, or a compression pointer (never needed in a question): format error.
    if (length === undefined || length & 0xc0) return { kind: 'refuse', id, rcode: dnsRcodes.formErr };
    offset++;
    if (length === 0) break;
    nameLength += length + 1;
    if (nameLength > 255 || offset + length > datagram.length)
      return { kind: 'refuse', id, rcode: dnsRcodes.formErr };
    labels.push(datagram.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > datagram.length) return { kind: 'refuse', id, rcode: dnsRcodes.formErr };
  const type = datagram.readUInt16BE(offset);
  const raw = datagram.subarray(headerBytes, offset + 4);
  const udpPayloadLimit = ednsPayloadLimit(datagram, offset + 4);
  return {
    kind: 'question',
    question: {
      id,
      recursionDesired: ((datagram[2] ?? 0) & 0x01) === 1,
      name: labels.join('.').toLowerCase(),
      type,
      raw: Buffer.from(raw),
      udpPayloadLimit,
    },
  };
}

/**
 * The UDP size an EDNS0 OPT record (type 41, root name) in the additional section offers; 512 when
 * there is none or it cannot be read (answer and authority sections are empty in a query).
 */
function ednsPayloadLimit(datagram: Buffer, additionalOffset: number): number {
  if (datagram.readUInt16BE(10) < 1) return 512;
  // The OPT record's owner is the root: one zero octet, then type and class (the size).
  if (datagram[additionalOffset] !== 0 || additionalOffset + 5 > datagram.length) return 512;
  if (datagram.readUInt16BE(additionalOffset + 1) !== 41) return 512;
  return Math.max(512, Math.min(4096, datagram.readUInt16BE(additionalOffset + 3)));
}

/**
 * Encodes an authoritative answer (or an error with the question echoed). With `truncated` the
 * answer section is left out and TC set: the asker's UDP limit was too small, it asks again by TCP.
 */
export function encodeAnswer(
  question: DnsQuestion,
  rcode: number,
  answers: DnsAnswer[],
  ttl = 60,
  truncated = false,
): Buffer {
  const header = Buffer.alloc(headerBytes);
  header.writeUInt16BE(question.id, 0);
  // QR, AA, TC when truncated, RD as asked, RA (so stub resolvers accept it).
  header.writeUInt16BE(
    0x8000 | 0x0400 | (truncated ? 0x0200 : 0) | (question.recursionDesired ? 0x0100 : 0) | 0x0080 | rcode,
    2,
  );
  header.writeUInt16BE(1, 4);
  if (truncated) return Buffer.concat([header, question.raw]);
  header.writeUInt16BE(answers.length, 6);
  const records = answers.map((answer) => {
    const data = recordData(answer);
    const fixed = Buffer.alloc(12);
    // Name: a pointer to the question's name at offset 12.
    fixed.writeUInt16BE(0xc000 | headerBytes, 0);
    fixed.writeUInt16BE(answer.type, 2);
    fixed.writeUInt16BE(1, 4);
    fixed.writeUInt32BE(ttl, 6);
    fixed.writeUInt16BE(data.length, 10);
    return Buffer.concat([fixed, data]);
  });
  return Buffer.concat([header, question.raw, ...records]);
}

/** An error reply to a query that could not be parsed as a question (no question echoed). */
export function encodeRefusal(id: number, rcode: number): Buffer {
  const header = Buffer.alloc(headerBytes);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x8000 | rcode, 2);
  return header;
}

/** Encodes a domain name without compression; `''` or `'.'` is the root (a null MX). */
export function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((label) => label !== '');
  const parts = labels.map((label) => {
    const bytes = Buffer.from(label, 'latin1');
    if (bytes.length > 63) throw new Error(`DNS label too long: ${label}`);
    return Buffer.concat([Buffer.from([bytes.length]), bytes]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function recordData(answer: DnsAnswer): Buffer {
  if (answer.type === dnsTypes.MX) {
    const preference = Buffer.alloc(2);
    preference.writeUInt16BE(answer.preference, 0);
    return Buffer.concat([preference, encodeName(answer.exchange)]);
  }
  if (answer.type === dnsTypes.TXT) return characterStrings(answer.text);
  if (answer.type === dnsTypes.TLSA) {
    if (!/^([0-9a-f]{2})+$/i.test(answer.data)) throw new Error('TLSA data must be hex');
    return Buffer.concat([
      Buffer.from([answer.usage, answer.selector, answer.matchingType]),
      Buffer.from(answer.data, 'hex'),
    ]);
  }
  if (answer.type === dnsTypes.A) {
    if (!isIPv4(answer.address)) throw new Error(`not an IPv4 address: ${answer.address}`);
    return Buffer.from(answer.address.split('.').map(Number));
  }
  return ipv6Bytes(answer.address);
}

/** A TXT record's data: the text in character-strings of at most 255 octets each. */
function characterStrings(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let offset = 0; offset < bytes.length || offset === 0; offset += 255) {
    const chunk = bytes.subarray(offset, offset + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
    if (bytes.length === 0) break;
  }
  return Buffer.concat(parts);
}

function ipv6Bytes(address: string): Buffer {
  if (!isIPv6(address) || address.includes('.')) throw new Error(`not a plain IPv6 address: ${address}`);
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, index) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), index * 2);
  });
  return bytes;
}
