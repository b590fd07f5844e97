/** STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT (RFC 3501 6.4.6). */
import { atomText, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import type { ImapToken } from '../imap-parser.js';
import { formatFlags, parseFlagList } from '../message-attributes.js';

const modes: Record<string, 'replace' | 'add' | 'remove'> = {
  FLAGS: 'replace',
  '+FLAGS': 'add',
  '-FLAGS': 'remove',
};

/** STORE / UID STORE. */
export const storeCommand: CommandHandler = async (session, command, uid) => {
  if (command.args.length < 3) throw bad('STORE needs a sequence set, an action and flags');
  const selected = session.selected!;
  const set = sequenceSetArg(command.args[0]);
  const action = atomText(command.args[1], 'STORE action').toUpperCase();
  const silent = action.endsWith('.SILENT');
  const mode = modes[silent ? action.slice(0, -'.SILENT'.length) : action];
  if (!mode) throw bad(`Unknown STORE action ${action.slice(0, 30)} (expected FLAGS, +FLAGS or -FLAGS)`);
  // Flags come as one list, or as bare flags (RFC 3501 store-att-flags).
  const rest = command.args.slice(2);
  let tokens: ImapToken[];
  if (rest.length === 1 && rest[0]!.type === 'list') tokens = rest[0]!.items;
  else if (rest.every((token) => token.type === 'atom')) tokens = rest;
  else throw bad('STORE flags must be a list or atoms');
  const flags = parseFlagList(tokens);
  if (selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const positions = selected.positions(set, uid);
  if (positions.length === 0) return undefined;
  const before = selected.messages();
  const uids = positions.map((index) => before[index]!.uid);
  const changed = await selected.view.setFlags(uids, mode, flags);
  if (silent) return undefined;
  const after = selected.messages();
  for (const summary of changed) {
    const index = selected.positionOf(summary.uid, after);
    if (index === -1) continue;
    const recent = selected.isRecent(summary.uid);
    session.out.line(
      `* ${index + 1} FETCH (FLAGS ${formatFlags(summary.flags, recent)}${uid ? ` UID ${summary.uid}` : ''})`,
    );
  }
  return undefined;
};
