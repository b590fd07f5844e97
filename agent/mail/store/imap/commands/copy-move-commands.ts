/** COPY and MOVE (RFC 6851), plain and UID forms, answering COPYUID (RFC 4315). */

import { formatSequence } from '../../../protocol/imap/sequence-set.js';
import { expectArgs, mailboxArg, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { no, toImapError } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';

async function transfer(
  session: ImapSession,
  args: Parameters<CommandHandler>[1]['args'],
  uid: boolean,
  move: boolean,
) {
  expectArgs(args, 2);
  const selected = session.selected!;
  const set = sequenceSetArg(args[0]);
  const target = mailboxArg(args[1]);
  if (move && selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const positions = selected.positions(set, uid);
  const before = selected.messages();
  const uids = positions.map((index) => before.uid(index));
  if (uids.length === 0) return { text: `${move ? 'MOVE' : 'COPY'} completed: no messages` };
  let mapping: Map<number, number>;
  let uidValidity: number;
  try {
    mapping = move ? await selected.view.move(uids, target) : await selected.view.copy(uids, target);
    uidValidity = (await session.mailbox!.folderStatus(target)).uidValidity;
  } catch (error) {
    throw toImapError(error, 'TRYCREATE');
  }
  const sources = [...mapping.keys()];
  const code =
    mapping.size > 0
      ? `COPYUID ${uidValidity} ${formatSequence(sources)} ${formatSequence(sources.map((s) => mapping.get(s)!))}`
      : undefined;
  if (move) {
    // MOVE tells COPYUID in an untagged OK before the EXPUNGEs (RFC 6851 4.3).
    if (code) session.out.line(`* OK [${code}] Moved`);
    for (const line of selected.expungeLines(before, sources)) session.out.line(line);
    return { text: 'MOVE completed' };
  }
  if (target === selected.name) selected.dirty = true;
  return code ? { code, text: 'COPY completed' } : { text: 'COPY completed' };
}

/** COPY / UID COPY: OK [COPYUID]. */
export const copyCommand: CommandHandler = (session, command, uid) =>
  transfer(session, command.args, uid, false);
/** MOVE / UID MOVE: untagged OK [COPYUID], EXPUNGEs, then OK. */
export const moveCommand: CommandHandler = (session, command, uid) =>
  transfer(session, command.args, uid, true);
