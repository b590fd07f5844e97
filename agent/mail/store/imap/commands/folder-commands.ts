/** CREATE, DELETE, RENAME, SUBSCRIBE, UNSUBSCRIBE and STATUS. */

import { imapString } from '../../../protocol/imap/imap-string.js';
import { expectArgs, listItems, mailboxArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { createSpecialUse } from '../create-special-use.js';
import { bad, no, toImapError } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { mailboxToWire } from '../mailbox-name.js';
import { enableCondstore } from '../modseq-mode.js';

function mailboxOf(session: ImapSession) {
  const mailbox = session.mailbox;
  if (!mailbox) throw bad('Not logged in');
  return mailbox;
}

/** CREATE (a trailing separator is dropped; parents are created by storage), with `(USE (...))` (RFC 6154). */
export const createCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1, 2);
  const name = mailboxArg(command.args[0], { allowTrailingSeparator: true });
  const specialUse = command.args[1] === undefined ? undefined : createSpecialUse(command.args[1]);
  if (name === 'INBOX') throw no('INBOX always exists', 'ALREADYEXISTS');
  await mailboxOf(session).createFolder(name, specialUse ? { specialUse } : undefined);
  return undefined;
};

/** DELETE; deleting the selected folder leaves the selected state with [CLOSED]. */
export const deleteCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  const name = mailboxArg(command.args[0]);
  if (name === 'INBOX') throw no('INBOX cannot be deleted', 'CANNOT');
  await mailboxOf(session).deleteFolder(name);
  if (session.selected?.name === name) {
    session.unselect();
    session.out.line('* OK [CLOSED] The selected mailbox was deleted');
  }
  return undefined;
};

/** RENAME (RENAME INBOX moves its messages, in storage). */
export const renameCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 2);
  const from = mailboxArg(command.args[0]);
  const to = mailboxArg(command.args[1]);
  if (to === 'INBOX') throw no('INBOX always exists', 'ALREADYEXISTS');
  await mailboxOf(session).renameFolder(from, to);
  return undefined;
};

/** SUBSCRIBE. */
export const subscribeCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  await mailboxOf(session).setSubscribed(mailboxArg(command.args[0]), true);
  return undefined;
};

/** UNSUBSCRIBE. */
export const unsubscribeCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  await mailboxOf(session).setSubscribed(mailboxArg(command.args[0]), false);
  return undefined;
};

const statusItems = ['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN', 'HIGHESTMODSEQ'] as const;
type StatusItem = (typeof statusItems)[number];

/** Parses a STATUS item list (also used by LIST-STATUS, RFC 5819). */
export function parseStatusItems(tokens: ReturnType<typeof listItems>): StatusItem[] {
  if (tokens.length === 0) throw bad('STATUS needs at least one item');
  const items: StatusItem[] = [];
  for (const token of tokens) {
    const name = token.type === 'atom' ? token.value.toUpperCase() : '';
    if (!(statusItems as readonly string[]).includes(name))
      throw bad(`Unknown STATUS item ${name.slice(0, 30) || '(not an atom)'}`);
    if (!items.includes(name as StatusItem)) items.push(name as StatusItem);
  }
  return items;
}

/** The `* STATUS` line for a folder. */
export async function statusLine(
  session: ImapSession,
  name: string,
  items: readonly StatusItem[],
): Promise<string> {
  const status = await mailboxOf(session).folderStatus(name);
  const values: Record<StatusItem, number> = {
    MESSAGES: status.messages,
    RECENT: status.recent,
    UIDNEXT: status.uidNext,
    UIDVALIDITY: status.uidValidity,
    UNSEEN: status.unseen,
    HIGHESTMODSEQ: status.highestModseq,
  };
  // STATUS (HIGHESTMODSEQ) is a CONDSTORE-enabling command (RFC 7162 3.1).
  if (items.includes('HIGHESTMODSEQ')) enableCondstore(session);
  return `* STATUS ${imapString(mailboxToWire(name))} (${items.map((item) => `${item} ${values[item]}`).join(' ')})`;
}

/** STATUS mailbox (MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN). */
export const statusCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 2);
  const name = mailboxArg(command.args[0]);
  const items = parseStatusItems(listItems(command.args[1], 'STATUS items'));
  try {
    session.out.line(await statusLine(session, name, items));
  } catch (error) {
    throw toImapError(error);
  }
  return undefined;
};
