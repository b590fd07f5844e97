/**
 * Command outcomes other than OK, and how storage errors map to IMAP response codes (RFC 5530).
 */

import { SequenceSetError } from '../../protocol/imap/sequence-set.js';
import { MailStorageError } from '../mail-storage.js';
import { MailboxNameError } from './mailbox-name.js';

/** Ends a command with `NO` or `BAD`, an optional response code and text in words. */
export class ImapCommandError extends Error {
  override readonly name = 'ImapCommandError';
  constructor(
    readonly status: 'NO' | 'BAD',
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** Shorthand for a `BAD` (syntax or state error). */
export function bad(message: string, code?: string): ImapCommandError {
  return new ImapCommandError('BAD', message, code);
}

/** Shorthand for a `NO` (the command was understood but failed). */
export function no(message: string, code?: string): ImapCommandError {
  return new ImapCommandError('NO', message, code);
}

/**
 * Turns known failures into IMAP errors; anything else is rethrown (the session answers it as a
 * server bug with a reference). `missingFolderCode` is TRYCREATE for APPEND/COPY/MOVE targets.
 */
export function toImapError(error: unknown, missingFolderCode = 'NONEXISTENT'): ImapCommandError {
  if (error instanceof ImapCommandError) return error;
  if (error instanceof MailboxNameError) return no(error.message, 'CANNOT');
  if (error instanceof SequenceSetError) return bad(error.message);
  if (error instanceof MailStorageError) {
    switch (error.code) {
      case 'no-such-folder':
        return no(error.message, missingFolderCode);
      case 'folder-exists':
        return no(error.message, 'ALREADYEXISTS');
      case 'bad-folder-name':
      case 'has-children':
        return no(error.message, 'CANNOT');
      case 'over-quota':
        return no(error.message, 'OVERQUOTA');
      case 'too-large':
        return no(error.message, 'TOOBIG');
      case 'no-such-message':
        return no(error.message, 'EXPUNGEISSUED');
      case 'held':
        return no(error.message, 'UNAVAILABLE');
    }
  }
  throw error;
}

/** Text safe for a response line: printable ASCII only, bounded. */
export function responseText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 400);
}
