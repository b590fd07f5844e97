/** Reading command arguments from tokens, strictly, with errors in words. */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { parseSequenceSet, type SequenceSet } from '../../protocol/imap/sequence-set.js';
import { bad } from './imap-errors.js';
import { type MailboxNameOptions, mailboxFromWire } from './mailbox-name.js';

/** Checks the argument count. */
export function expectArgs(args: readonly ImapToken[], min: number, max = min): void {
  if (args.length < min) throw bad(`Missing arguments (expected ${min === max ? min : `${min} to ${max}`})`);
  if (args.length > max) throw bad(`Too many arguments (expected ${min === max ? min : `${min} to ${max}`})`);
}

/** An astring's bytes (atom, quoted string or literal). */
export function astringBytes(token: ImapToken | undefined, what: string): Buffer {
  if (token?.type === 'string') return token.value;
  if (token?.type === 'atom') return Buffer.from(token.value, 'latin1');
  throw bad(`${what} must be a string`);
}

/** An astring as UTF-8 text (user names, passwords, search text). */
export function astringText(token: ImapToken | undefined, what: string): string {
  return astringBytes(token, what).toString('utf8');
}

/** An atom's text. */
export function atomText(token: ImapToken | undefined, what: string): string {
  if (token?.type === 'atom') return token.value;
  throw bad(`${what} must be an atom`);
}

/** A mailbox argument: modified UTF-7 on the wire, storage name back (refusals become NO [CANNOT]). */
export function mailboxArg(token: ImapToken | undefined, options?: MailboxNameOptions): string {
  // latin1 keeps each byte as one char, so 8-bit bytes are seen (and refused) by the mUTF-7 decoder.
  return mailboxFromWire(astringBytes(token, 'Mailbox name').toString('latin1'), options);
}

/** A sequence set argument. */
export function sequenceSetArg(token: ImapToken | undefined): SequenceSet {
  return parseSequenceSet(atomText(token, 'Sequence set'));
}

/** A parenthesised list's items (or a single atom when `allowSingle`). */
export function listItems(token: ImapToken | undefined, what: string, allowSingle = false): ImapToken[] {
  if (token?.type === 'list') return token.items;
  if (allowSingle && token?.type === 'atom') return [token];
  throw bad(`${what} must be a parenthesised list`);
}
