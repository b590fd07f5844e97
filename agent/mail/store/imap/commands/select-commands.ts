/** SELECT, EXAMINE, CLOSE, UNSELECT (RFC 3691) and EXPUNGE / UID EXPUNGE (RFC 4315). */

import { formatSequence, type SequenceSet } from '../../../protocol/imap/sequence-set.js';
import { expectArgs, mailboxArg, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { parseSelectParams, type QresyncParams } from '../modseq-args.js';
import { SelectedFolder } from '../selected-folder.js';

async function open(session: ImapSession, args: Parameters<CommandHandler>[1]['args'], readOnly: boolean) {
  expectArgs(args, 1, 2);
  const name = mailboxArg(args[0]);
  const params = parseSelectParams(args[1]);
  if (params.qresync && !session.modseqMode.qresync)
    throw bad('QRESYNC must be enabled first (ENABLE QRESYNC)');
  // Leaving the old folder first: a failed SELECT leaves no folder selected (RFC 3501 6.3.1).
  if (session.selected) {
    session.unselect();
    session.out.line('* OK [CLOSED] Previous mailbox closed');
  }
  // SELECT (CONDSTORE) turns CONDSTORE on for the session (RFC 7162 3.1.8).
  if (params.condstore) session.modseqMode.condstore = true;
  const view = await session.mailbox!.openFolder(name);
  const selected = await SelectedFolder.open(view, readOnly, session.modseqMode);
  // The connection closed while the folder loaded: no one would close this view (and the folder
  // would stay in memory for good).
  if (session.isClosed) {
    view.close();
    return undefined;
  }
  session.selected = selected;
  session.state = 'selected';
  const messages = view.list();
  let firstUnseen = 0;
  for (let i = 0; i < messages.length; i++) {
    if (!messages.flags(i).includes('\\Seen')) {
      firstUnseen = i + 1;
      break;
    }
  }
  for (const line of selected.flagsLines()) session.out.line(line);
  session.out.line(`* ${messages.length} EXISTS`);
  session.out.line(`* ${selected.recentCount()} RECENT`);
  if (firstUnseen > 0) session.out.line(`* OK [UNSEEN ${firstUnseen}] First unseen`);
  session.out.line(`* OK [UIDVALIDITY ${view.uidValidity}] UIDs valid`);
  session.out.line(`* OK [UIDNEXT ${view.uidNext()}] Predicted next UID`);
  if (session.modseqMode.condstore) session.out.line(`* OK [HIGHESTMODSEQ ${view.highestModseq()}] Highest`);
  if (params.qresync && params.qresync.uidValidity === view.uidValidity) {
    for (const line of resyncLines(selected, params.qresync)) session.out.line(line);
  }
  return {
    code: readOnly ? 'READ-ONLY' : 'READ-WRITE',
    text: `${readOnly ? 'EXAMINE' : 'SELECT'} completed`,
  };
}

/**
 * QRESYNC at SELECT (RFC 7162 3.2.5): the UIDs expunged since the client's mod-sequence (among those
 * it knows), then the flags of every message changed since.
 */
function resyncLines(selected: SelectedFolder, qresync: QresyncParams): string[] {
  const messages = selected.messages();
  const lines: string[] = [];
  const vanished = vanishedSince(selected, qresync.modseq, qresync.knownUids);
  if (vanished.length > 0) lines.push(`* VANISHED (EARLIER) ${formatSequence(vanished)}`);
  for (let index = 0; index < messages.length; index++) {
    if (messages.modseq(index) > qresync.modseq)
      lines.push(selected.flagsFetchLine(index + 1, messages.at(index), true));
  }
  return lines;
}

/**
 * UIDs expunged after `modseq`, limited to `within` (a UID set; all when undefined). Without the
 * history that far back, every UID of `within` below UIDNEXT that is not in the folder (RFC 7162
 * allows naming UIDs the client never saw).
 */
export function vanishedSince(selected: SelectedFolder, modseq: number, within?: SequenceSet): number[] {
  const messages = selected.messages();
  const uidNext = selected.view.uidNext();
  const inRange = (uid: number): boolean =>
    !within ||
    within.ranges.some(([a, b]) => {
      const low = a === '*' ? uidNext - 1 : a;
      const high = b === '*' ? uidNext - 1 : b;
      return uid >= Math.min(low, high) && uid <= Math.max(low, high);
    });
  const known = selected.view.expungedSince(modseq);
  if (known) {
    return [...new Set(known)].filter(inRange).sort((a, b) => a - b);
  }
  const gone: number[] = [];
  let next = 0;
  for (let uid = 1; uid < uidNext && gone.length < 1_000_000; uid++) {
    while (next < messages.length && messages.uid(next) < uid) next++;
    if ((next < messages.length ? messages.uid(next) : 0) !== uid && inRange(uid)) gone.push(uid);
  }
  return gone;
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
    uids = selected.positions(sequenceSetArg(command.args[0]), true).map((index) => messages.uid(index));
    if (uids.length === 0) return undefined;
  }
  const before = selected.messages();
  const removed = await selected.view.expunge(uids);
  for (const line of selected.expungeLines(before, removed)) session.out.line(line);
  return undefined;
};
