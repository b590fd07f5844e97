/**
 * BINARY (RFC 3516) content: a part's body with its Content-Transfer-Encoding undone for FETCH
 * BINARY[...] and BINARY.SIZE[...], and, for APPEND with a literal8, binary parts (NUL bytes or
 * `Content-Transfer-Encoding: binary`) re-encoded as base64 before they are stored, so every
 * stored message is one IMAP4rev1 clients, POP3 and Dovecot can read.
 */
import { no } from './imap-errors.js';
import { headerValue } from './message-headers.js';
import { findPart, type MimePart, parseMimeTree } from './mime-tree.js';
import { decodeQuotedPrintable } from './text-decoding.js';

/** Transfer encodings whose bodies are bytes as they are. */
const identityEncodings = new Set(['', '7bit', '8bit', 'binary']);

function transferEncoding(part: MimePart): string {
  return (headerValue(part.fields, 'content-transfer-encoding') ?? '').trim().toLowerCase();
}

/**
 * The bytes FETCH BINARY[path] answers: the whole message for an empty path, a multipart or
 * message part as stored, a leaf decoded. Undefined when there is no such part.
 * @throws ImapCommandError NO [UNKNOWN-CTE] for an encoding this server cannot undo (RFC 3516 4.2).
 */
export function binarySection(raw: Buffer, root: MimePart, path: readonly number[]): Buffer | undefined {
  if (path.length === 0) return raw;
  const part = findPart(root, path);
  if (!part) return undefined;
  const body = raw.subarray(part.bodyStart, part.bodyEnd);
  if (part.type === 'multipart' || part.message) return body;
  const encoding = transferEncoding(part);
  if (identityEncodings.has(encoding)) return body;
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body.toString('latin1'));
  throw no(`Part ${path.join('.')} has a Content-Transfer-Encoding this server cannot decode`, 'UNKNOWN-CTE');
}

function leaves(root: MimePart): MimePart[] {
  const found: MimePart[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const part = stack.pop()!;
    if (part.type === 'multipart') for (const child of part.children) stack.push(child);
    else if (part.message) stack.push(part.message);
    else found.push(part);
  }
  return found.sort((a, b) => a.headerStart - b.headerStart);
}

function base64Lines(bytes: Buffer): string {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < text.length; at += 76) lines.push(text.slice(at, at + 76));
  return lines.join('\r\n');
}

/**
 * A literal8 APPEND's message with every binary leaf part re-encoded as base64 (its other bytes
 * unchanged). A message without such parts is returned as it is.
 */
export function encodeBinaryParts(raw: Buffer): Buffer {
  const root = parseMimeTree(raw);
  const pieces: Buffer[] = [];
  let copied = 0;
  for (const part of leaves(root)) {
    const body = raw.subarray(part.bodyStart, part.bodyEnd);
    if (transferEncoding(part) !== 'binary' && !body.includes(0)) continue;
    let header = '';
    if (part === root && headerValue(part.fields, 'mime-version') === undefined)
      header += 'MIME-Version: 1.0\r\n';
    for (const field of part.fields) {
      if (field.key === 'content-transfer-encoding') continue;
      header += field.raw.endsWith('\n') ? field.raw.replace(/\r?\n$/, '\r\n') : `${field.raw}\r\n`;
    }
    header += 'Content-Transfer-Encoding: base64\r\n\r\n';
    pieces.push(raw.subarray(copied, part.headerStart), Buffer.from(header, 'latin1'));
    // The line break before a boundary belongs to the boundary; a body ending the message gets one.
    pieces.push(Buffer.from(base64Lines(body) + (part.bodyEnd === raw.length ? '\r\n' : ''), 'latin1'));
    copied = part.bodyEnd;
  }
  if (copied === 0) return raw;
  pieces.push(raw.subarray(copied));
  return Buffer.concat(pieces);
}
