/** SELECT, EXAMINE, CLOSE, UNSELECT (RFC 3691) and EXPUNGE / UID EXPUNGE (RFC 4315). */
import { systemFlags } from '../../mail-storage.js';
import { expectArgs, mailboxArg, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { SelectedFolder } from '../selected-folder.js';

async function open(session: ImapSession, args: Parameters<CommandHandler>[1]['args'], readOnly: boolean) {
  expectArgs(args, 1, 2);
  if (args[1] !== undefined) throw bad('SELECT parameters (CONDSTORE, QRESYNC) are not supported');
  const name = mailboxArg(args[0]);
  // Leaving the old folder first: a failed SELECT leaves no folder selected (RFC 3501 6.3.1).
  if (session.selected) {
    session.unselect();
    session.out.line('* OK [CLOSED] Previous mailbox closed');
  }
  const mailbox = session.mailbox!;
  // Messages still in new/ are \Recent; opening the folder moves them to cur/, so count first.
  const status = await mailbox.folderStatus(name);
  const view = await mailbox.openFolder(name);
  const messages = view.messages();
  const firstRecent = messages[Math.max(0, messages.length - status.recent)]?.uid ?? view.uidNext();
  const selected = new SelectedFolder(view, readOnly, status.recent > 0 ? firstRecent : view.uidNext());
  session.selected = selected;
  session.state = 'selected';
  const keywords = new Set<string>();
  let firstUnseen = 0;
  messages.forEach((message, index) => {
    for (const flag of message.flags) if (!flag.startsWith('\\')) keywords.add(flag);
    if (firstUnseen === 0 && !message.flags.includes('\\Seen')) firstUnseen = index + 1;
  });
  const flags = [...systemFlags, ...keywords].join(' ');
  session.out.line(`* FLAGS (${flags})`);
  session.out.line(
    `* OK [PERMANENTFLAGS (${readOnly ? '' : `${systemFlags.join(' ')} \\*`})] Flags permitted`,
  );
  session.out.line(`* ${messages.length} EXISTS`);
  session.out.line(`* ${selected.recentCount()} RECENT`);
  if (firstUnseen > 0) session.out.line(`* OK [UNSEEN ${firstUnseen}] First unseen`);
  session.out.line(`* OK [UIDVALIDITY ${view.uidValidity}] UIDs valid`);
  session.out.line(`* OK [UIDNEXT ${view.uidNext()}] Predicted next UID`);
  return {
    code: readOnly ? 'READ-ONLY' : 'READ-WRITE',
    text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed`,
  };
}

/** SELECT: read-write. */
export const selectCommand: CommandHandler = (session, command) => open(session, command.args, false);
/** EXAMINE: read-only. */
export const examineCommand: CommandHandler = (session, command) => open(session, command.args, true);

/** CLOSE: expunge silently (unless read-only) and leave the selected state. */
export const closeCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  const selected = session.selected!;
  // CLOSE expunges silently (RFC 3501 6.4.2); a read-only folder is left untouched.
  if (!selected.readOnly) await selected.view.expunge();
  session.unselect();
  return undefined;
};

/** UNSELECT (RFC 3691): leave the selected state without expunging. */
export const unselectCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  session.unselect();
  return undefined;
};

/** EXPUNGE, or UID EXPUNGE set (RFC 4315): untagged EXPUNGE per removed message. */
export const expungeCommand: CommandHandler = async (session, command, uid) => {
  expectArgs(command.args, uid ? 1 : 0);
  const selected = session.selected!;
  if (selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  let uids: number[] | undefined;
  if (uid) {
    const messages = selected.messages();
    uids = selected.positions(sequenceSetArg(command.args[0]), true).map((index) => messages[index]!.uid);
    if (uids.length === 0) return undefined;
  }
  const before = selected.messages();
  const removed = await selected.view.expunge(uids);
  for (const line of selected.expungeLines(before, removed)) session.out.line(line);
  return undefined;
};
