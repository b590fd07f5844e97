/**
 * APPEND (RFC 3501 6.3.11) with APPENDUID (RFC 4315) and literal8 messages (BINARY, RFC 3516); the
 * literal's size was checked when it was announced.
 */
import { encodeBinaryParts } from '../binary-content.js';
import { atomText, mailboxArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no, toImapError } from '../imap-errors.js';
import type { ImapToken } from '../imap-parser.js';
import { parseDateTime, parseFlagList } from '../message-attributes.js';

/** Bare LF line ends become CRLF (clients that send LF-only messages still get RFC 5322 on disk). */
function toCrlf(message: Buffer): Buffer {
  let bare = false;
  for (let at = message.indexOf(0x0a); at !== -1; at = message.indexOf(0x0a, at + 1)) {
    if (at === 0 || message[at - 1] !== 0x0d) {
      bare = true;
      break;
    }
  }
  if (!bare) return message;
  return Buffer.from(message.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}

/** APPEND mailbox [(flags)] [date-time] literal; answers OK [APPENDUID]. */
export const appendCommand: CommandHandler = async (session, command) => {
  const args = command.args;
  if (args.length < 2 || args.length > 4)
    throw bad('APPEND takes a mailbox, optional flags and date, and a message literal');
  const folder = mailboxArg(args[0]);
  const rest: ImapToken[] = args.slice(1);
  const messageToken = rest.pop();
  if (messageToken?.type !== 'string' || !messageToken.literal) throw bad('APPEND message must be a literal');
  let flags: string[] = [];
  let internalDate: Date | undefined;
  for (const token of rest) {
    if (token.type === 'list' && internalDate === undefined && flags.length === 0) {
      flags = parseFlagList(token.items);
    } else if (token.type === 'string' && !token.literal && internalDate === undefined) {
      internalDate = parseDateTime(token.value.toString('latin1'));
      if (!internalDate) throw bad('Invalid APPEND date-time (expected e.g. "03-Nov-2026 09:15:00 +0900")');
    } else {
      throw bad(
        `Unexpected APPEND argument ${token.type === 'atom' ? atomText(token, 'argument').slice(0, 30) : token.type}`,
      );
    }
  }
  if (messageToken.value.length === 0) throw no('Message is empty');
  // A literal8 (BINARY, RFC 3516) may carry binary parts: they are stored as base64.
  const message = messageToken.binary ? encodeBinaryParts(messageToken.value) : messageToken.value;
  // Outside a part's body NUL bytes cannot be stored; in a plain literal they are not allowed (RFC 3501 4.3).
  if (message.includes(0))
    throw no(
      messageToken.binary
        ? 'NUL bytes outside a MIME body part'
        : 'Message contains NUL bytes (send it as literal8)',
      'CANNOT',
    );
  let result: { uid: number; uidValidity: number };
  try {
    result = await session.mailbox!.append(folder, toCrlf(message), {
      flags,
      ...(internalDate ? { internalDate } : {}),
    });
  } catch (error) {
    throw toImapError(error, 'TRYCREATE');
  }
  // An append to the selected folder shows up as EXISTS before the tagged reply.
  if (session.selected?.name === folder) session.selected.dirty = true;
  return { code: `APPENDUID ${result.uidValidity} ${result.uid}`, text: 'APPEND completed' };
};
