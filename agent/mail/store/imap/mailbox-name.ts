/**
 * Mailbox names at the IMAP edge: modified UTF-7 on the wire, UTF-8 in storage, hierarchy separator
 * `.`, and the rules that keep a name from escaping its mailbox on disk or meaning two things.
 */
import { decodeMailboxName, encodeMailboxName, InvalidModifiedUtf7Error } from '../../protocol/imap/mutf7.js';

/** The hierarchy separator (Dovecot's Maildir++ default, and storage's). */
export const hierarchySeparator = '.';

/** Longest name we accept, in UTF-8 bytes; a level is a directory name on disk, so it is bounded too. */
const maxNameBytes = 1000;
const maxLevelBytes = 200;

/** A mailbox name refused, with the reason in words (sent to the client after `NO [CANNOT]`). */
export class MailboxNameError extends Error {
  override readonly name = 'MailboxNameError';
}

/** Options for {@link mailboxFromWire}. */
export interface MailboxNameOptions {
  /** CREATE: a trailing separator declares a parent-to-be and is dropped (RFC 3501 6.3.3). */
  allowTrailingSeparator?: boolean;
}

/** `inbox`, `Inbox`... all name INBOX (RFC 3501 5.1); so does the first level of `inbox.Sub`. */
export function normalizeInbox(name: string): string {
  if (name.length < 5 || name.slice(0, 5).toUpperCase() !== 'INBOX') return name;
  if (name.length === 5) return 'INBOX';
  return name[5] === hierarchySeparator ? `INBOX${name.slice(5)}` : name;
}

/**
 * Checks a decoded (UTF-8) name; throws {@link MailboxNameError} naming the rule it breaks.
 * Refused: empty names, NUL and control characters, `/` (a path separator on disk), wildcards,
 * a leading separator, empty levels (`a..b`), and a trailing separator.
 */
export function checkMailboxName(name: string): void {
  if (name === '') throw new MailboxNameError('mailbox name is empty');
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code === 0) throw new MailboxNameError('mailbox name contains a NUL character');
    if (code < 0x20 || code === 0x7f || (code >= 0x80 && code <= 0x9f)) {
      throw new MailboxNameError(`mailbox name contains control character 0x${code.toString(16)}`);
    }
  }
  if (name.includes('/') || name.includes('\\'))
    throw new MailboxNameError('mailbox name may not contain "/" or "\\"');
  if (name.includes('*') || name.includes('%'))
    throw new MailboxNameError('mailbox name may not contain "*" or "%"');
  if (name.startsWith(hierarchySeparator)) throw new MailboxNameError('mailbox name may not start with "."');
  if (name.endsWith(hierarchySeparator)) throw new MailboxNameError('mailbox name may not end with "."');
  if (name.includes('..')) throw new MailboxNameError('mailbox name has an empty hierarchy level ("..")');
  if (Buffer.byteLength(name) > maxNameBytes)
    throw new MailboxNameError(`mailbox name is longer than ${maxNameBytes} bytes`);
  for (const level of name.split(hierarchySeparator)) {
    if (Buffer.byteLength(level) > maxLevelBytes) {
      throw new MailboxNameError(`a mailbox name level is longer than ${maxLevelBytes} bytes`);
    }
  }
}

/**
 * Turns a mailbox argument as the client sent it (modified UTF-7) into the storage name (UTF-8),
 * checked and with INBOX normalised.
 * @throws MailboxNameError for invalid modified UTF-7 or a name the rules refuse.
 */
export function mailboxFromWire(wire: string, options: MailboxNameOptions = {}): string {
  let name: string;
  try {
    name = decodeMailboxName(wire);
  } catch (error) {
    if (error instanceof InvalidModifiedUtf7Error) {
      throw new MailboxNameError(`mailbox name is not valid modified UTF-7: ${error.message}`);
    }
    throw error;
  }
  if (options.allowTrailingSeparator && name.length > 1 && name.endsWith(hierarchySeparator)) {
    name = name.slice(0, -1);
  }
  name = normalizeInbox(name);
  checkMailboxName(name);
  return name;
}

/** The wire form (modified UTF-7) of a storage name. */
export function mailboxToWire(name: string): string {
  return encodeMailboxName(name);
}
