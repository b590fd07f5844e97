/**
 * APPEND (RFC 3501 6.3.11) with APPENDUID (RFC 4315), several messages at once (MULTIAPPEND,
 * RFC 3502: all stored or none), messages put together from text and URLs of messages the user
 * already has (CATENATE, RFC 4469), and literal8 messages (BINARY, RFC 3516). Literal sizes were
 * checked when they were announced; what CATENATE builds is checked as it grows.
 */

import type { ImapToken } from '../../../protocol/imap/imap-parser.js';
import { formatSequence } from '../../../protocol/imap/sequence-set.js';
import { encodeBinaryParts } from '../binary-content.js';
import { resolveMessageUrl } from '../catenate-url.js';
import { atomText, mailboxArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no, toImapError } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { parseDateTime, parseFlagList } from '../message-attributes.js';

/** URL parts in one APPEND command: each reads a stored message, so they are few in practice. */
const maxUrlParts = 256;

/** One message of an APPEND, as sent. */
interface AppendSpec {
  flags: string[];
  internalDate?: Date;
  /** A literal (or literal8), or the parts of CATENATE. */
  data: (ImapToken & { type: 'string' }) | { catenate: ImapToken[] };
}

function describe(token: ImapToken): string {
  return token.type === 'atom' ? token.value.slice(0, 30) : token.type;
}

/** Splits APPEND's arguments after the mailbox into messages (RFC 3502 append-message). */
function parseMessages(tokens: readonly ImapToken[]): AppendSpec[] {
  const specs: AppendSpec[] = [];
  let i = 0;
  while (i < tokens.length) {
    let flags: string[] = [];
    let internalDate: Date | undefined;
    if (tokens[i]?.type === 'list')
      flags = parseFlagList((tokens[i++] as ImapToken & { type: 'list' }).items);
    const dateToken = tokens[i];
    if (dateToken?.type === 'string' && !dateToken.literal) {
      internalDate = parseDateTime(dateToken.value.toString('latin1'));
      if (!internalDate) throw bad('Invalid APPEND date-time (expected e.g. "03-Nov-2026 09:15:00 +0900")');
      i++;
    }
    const data = tokens[i];
    if (data?.type === 'string' && data.literal) {
      specs.push({ flags, ...(internalDate ? { internalDate } : {}), data });
      i++;
    } else if (data?.type === 'atom' && data.value.toUpperCase() === 'CATENATE') {
      const parts = tokens[i + 1];
      if (parts?.type !== 'list' || parts.items.length === 0)
        throw bad('CATENATE needs a list of TEXT and URL parts');
      specs.push({ flags, ...(internalDate ? { internalDate } : {}), data: { catenate: parts.items } });
      i += 2;
    } else {
      throw bad(
        data
          ? `Unexpected APPEND argument ${describe(data)} (expected a message literal or CATENATE)`
          : 'APPEND message must be a literal or CATENATE (...)',
      );
    }
  }
  if (specs.length === 0) throw bad('APPEND takes a mailbox, optional flags and date, and a message literal');
  return specs;
}

/** Bytes allowed for one message and, together, for all messages of the command. */
interface Budget {
  message: number;
  left: number;
  urls: number;
}

function spend(budget: Budget, bytes: number, messageSoFar: number): void {
  if (messageSoFar + bytes > budget.message)
    throw no(`Message is larger than the limit of ${budget.message} bytes`, 'TOOBIG');
  if (bytes > budget.left) throw no('Messages of one APPEND are together larger than the limit', 'TOOBIG');
  budget.left -= bytes;
}

/** The bytes of one message: its literal, or its CATENATE parts joined. */
async function buildMessage(session: ImapSession, spec: AppendSpec, budget: Budget): Promise<Buffer> {
  let binary = false;
  let pieces: Buffer[];
  if ('catenate' in spec.data) {
    pieces = [];
    let size = 0;
    const parts = spec.data.catenate;
    for (let i = 0; i < parts.length; i += 2) {
      const kind = atomText(parts[i], 'CATENATE part').toUpperCase();
      const value = parts[i + 1];
      let bytes: Buffer;
      if (kind === 'TEXT' && value?.type === 'string' && value.literal) {
        bytes = value.value;
        binary ||= value.binary === true;
      } else if (kind === 'URL' && value?.type === 'string') {
        if (++budget.urls > maxUrlParts) throw bad(`More than ${maxUrlParts} URL parts in one APPEND`);
        bytes = await resolveMessageUrl(session, value.value.toString('latin1'));
      } else {
        throw bad('CATENATE parts are TEXT with a literal or URL with a string');
      }
      spend(budget, bytes.length, size);
      size += bytes.length;
      pieces.push(bytes);
    }
  } else {
    spend(budget, spec.data.value.length, 0);
    pieces = [spec.data.value];
    binary = spec.data.binary === true;
  }
  const joined = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
  if (joined.length === 0) throw no('Message is empty');
  // A literal8 (BINARY, RFC 3516) may carry binary parts: they are stored as base64.
  const message = binary ? encodeBinaryParts(joined) : joined;
  // Outside a part's body NUL bytes cannot be stored; in a plain literal they are not allowed (RFC 3501 4.3).
  if (message.includes(0))
    throw no(
      binary ? 'NUL bytes outside a MIME body part' : 'Message contains NUL bytes (send it as literal8)',
      'CANNOT',
    );
  return message;
}

/** APPEND mailbox 1*([(flags)] [date-time] (literal / CATENATE (...))); answers OK [APPENDUID]. */
export const appendCommand: CommandHandler = async (session, command) => {
  const [mailboxToken, ...rest] = command.args;
  if (!mailboxToken || rest.length === 0)
    throw bad('APPEND takes a mailbox, optional flags and date, and a message literal');
  const folder = mailboxArg(mailboxToken);
  const specs = parseMessages(rest);
  const mailbox = session.mailbox!;
  // A missing target is TRYCREATE even when a URL is bad too (as Dovecot answers imaptest).
  try {
    await mailbox.folderStatus(folder);
  } catch (error) {
    throw toImapError(error, 'TRYCREATE');
  }
  const { maxAppendBytes } = session.context.limits;
  const budget: Budget = { message: maxAppendBytes, left: maxAppendBytes, urls: 0 };
  const messages: Array<{ message: Buffer; options: { flags: string[]; internalDate?: Date } }> = [];
  for (const spec of specs) {
    const message = await buildMessage(session, spec, budget);
    messages.push({
      message,
      options: { flags: spec.flags, ...(spec.internalDate ? { internalDate: spec.internalDate } : {}) },
    });
  }
  let result: { uids: number[]; uidValidity: number };
  try {
    if (messages.length === 1) {
      const { uid, uidValidity } = await mailbox.append(folder, messages[0]!.message, messages[0]!.options);
      result = { uids: [uid], uidValidity };
    } else {
      result = await mailbox.appendMany(folder, messages);
    }
  } catch (error) {
    throw toImapError(error, 'TRYCREATE');
  }
  // An append to the selected folder shows up as EXISTS before the tagged reply.
  if (session.selected?.name === folder) session.selected.dirty = true;
  return { code: `APPENDUID ${result.uidValidity} ${formatSequence(result.uids)}`, text: 'APPEND completed' };
};
