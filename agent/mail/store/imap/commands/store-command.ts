/**
 * STORE and UID STORE: FLAGS, +FLAGS, -FLAGS, each optionally .SILENT (RFC 3501 6.4.6), with
 * RFC 7162's (UNCHANGEDSINCE n) modifier answered with [MODIFIED set].
 */

import type { ImapToken } from '../../../protocol/imap/imap-parser.js';
import { formatSequence } from '../../../protocol/imap/sequence-set.js';
import { atomText, sequenceSetArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import { parseFlagList } from '../message-attributes.js';
import { parseStoreModifiers } from '../modseq-args.js';
import { enableCondstore } from '../modseq-mode.js';

const modes: Record<string, 'replace' | 'add' | 'remove'> = {
  FLAGS: 'replace',
  '+FLAGS': 'add',
  '-FLAGS': 'remove',
};

/** STORE / UID STORE. */
export const storeCommand: CommandHandler = async (session, command, uid) => {
  const args = [...command.args];
  if (args.length < 3) throw bad('STORE needs a sequence set, an action and flags');
  const selected = session.selected!;
  const set = sequenceSetArg(args.shift());
  let unchangedSince: number | undefined;
  if (args[0]?.type === 'list') {
    ({ unchangedSince } = parseStoreModifiers(args.shift()!));
    // UNCHANGEDSINCE is a CONDSTORE-enabling command (RFC 7162 3.1).
    enableCondstore(session);
  }
  const action = atomText(args.shift(), 'STORE action').toUpperCase();
  const silent = action.endsWith('.SILENT');
  const mode = modes[silent ? action.slice(0, -'.SILENT'.length) : action];
  if (!mode) throw bad(`Unknown STORE action ${action.slice(0, 30)} (expected FLAGS, +FLAGS or -FLAGS)`);
  // Flags come as one list, or as bare flags (RFC 3501 store-att-flags).
  let tokens: ImapToken[];
  if (args.length === 1 && args[0]!.type === 'list') tokens = args[0]!.items;
  else if (args.length > 0 && args.every((token) => token.type === 'atom')) tokens = args;
  else throw bad('STORE flags must be a list or atoms');
  const flags = parseFlagList(tokens);
  if (selected.readOnly) throw no('Mailbox is read-only', 'READ-ONLY');
  const positions = selected.positions(set, uid);
  if (positions.length === 0) return undefined;
  const before = selected.messages();
  const uids = positions.map((index) => before.uid(index));
  const modseqBefore = new Map(positions.map((index) => [before.uid(index), before.modseq(index)]));
  const { stored, modified } = await selected.view.storeFlags(uids, mode, flags, unchangedSince);
  for (const line of selected.keywordLines()) session.out.line(line);
  const after = selected.messages();
  for (const summary of stored) {
    const index = selected.positionOf(summary.uid, after);
    if (index === -1) continue;
    if (!silent) {
      session.out.line(selected.flagsFetchLine(index + 1, summary, uid));
    } else if (session.modseqMode.condstore && summary.modseq !== modseqBefore.get(summary.uid)) {
      // .SILENT still tells a CONDSTORE client the new mod-sequence of what changed (RFC 7162 3.1.3).
      session.out.line(
        `* ${index + 1} FETCH (${uid ? `UID ${summary.uid} ` : ''}MODSEQ (${summary.modseq}))`,
      );
    }
  }
  if (modified.length === 0) return undefined;
  const named = uid ? modified : modified.map((m) => selected.positionOf(m, after) + 1).filter((n) => n > 0);
  return { code: `MODIFIED ${formatSequence(named)}`, text: 'Conditional STORE failed for some messages' };
};
