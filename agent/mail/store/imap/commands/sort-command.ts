/**
 * SORT and UID SORT (RFC 5256) with SORT=DISPLAY (RFC 5957) and the ESORT result options
 * (RFC 5267: `SORT RETURN (MIN MAX ALL COUNT) ...`); THREAD and UID THREAD with the REFERENCES
 * and ORDEREDSUBJECT algorithms. Both search first, then read header keys only when needed.
 */

import type { ImapToken } from '../../../protocol/imap/imap-parser.js';
import type { CommandHandler } from '../command-table.js';
import { bad } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { esearchLine, parseSearchReturn } from '../search-return.js';
import { searchPositions } from '../search-run.js';
import { loadSortKeys } from '../sort-keys-loader.js';
import { needsHeaderKeys, parseSortCriteria, type SortRow, sortRows } from '../sort-order.js';
import { referencesThreads } from '../thread-references.js';
import { formatThreads, orderedSubjectThreads } from '../thread-tree.js';
import { searchQueryArg } from './search-command.js';

/** The search of a SORT or THREAD: a charset (required) then the criteria. */
function charsetAndCriteria(args: readonly ImapToken[], command: string): ImapToken[] {
  const charset = args[0];
  if (charset?.type !== 'atom' && charset?.type !== 'string')
    throw bad(`${command} needs a charset (e.g. UTF-8) and search criteria`);
  if (args.length < 2) throw bad(`${command} needs search criteria after the charset`);
  return [{ type: 'atom', value: 'CHARSET' }, charset, ...args.slice(1)];
}

/** The matching messages as rows, with header keys when `withKeys`; undefined if the session closed. */
async function matchingRows(
  session: ImapSession,
  criteria: readonly ImapToken[],
  withKeys: boolean,
): Promise<SortRow[] | undefined> {
  const selected = session.selected!;
  const query = searchQueryArg(criteria);
  const positions = await searchPositions(session, selected, query);
  if (positions === undefined) return undefined;
  const messages = selected.messages();
  const keys = withKeys ? await loadSortKeys(session, selected, positions) : [];
  if (keys === undefined) return undefined;
  return positions.map((position, i) => {
    const row: SortRow = { position, summary: messages.at(position) };
    if (withKeys) row.keys = keys[i]!;
    return row;
  });
}

/** SORT / UID SORT. */
export const sortCommand: CommandHandler = async (session, command, uid) => {
  const { options, rest } = parseSearchReturn(command.args, false);
  const criteria = parseSortCriteria(rest[0]);
  const search = charsetAndCriteria(rest.slice(1), 'SORT');
  const rows = await matchingRows(session, search, needsHeaderKeys(criteria));
  if (rows === undefined) return undefined;
  const results = sortRows(rows, criteria).map((row) => (uid ? row.summary.uid : row.position + 1));
  if (options) {
    const line = esearchLine(command.tag, uid, results, options);
    if (line) session.out.line(line);
  } else {
    session.out.line(results.length > 0 ? `* SORT ${results.join(' ')}` : '* SORT');
  }
  return undefined;
};

/** THREAD / UID THREAD. */
export const threadCommand: CommandHandler = async (session, command, uid) => {
  const algorithmToken = command.args[0];
  const algorithm = algorithmToken?.type === 'atom' ? algorithmToken.value.toUpperCase() : '';
  if (algorithm !== 'REFERENCES' && algorithm !== 'ORDEREDSUBJECT')
    throw bad(
      `Unknown threading algorithm ${algorithm.slice(0, 30) || '(none)'} (REFERENCES or ORDEREDSUBJECT)`,
    );
  const search = charsetAndCriteria(command.args.slice(1), 'THREAD');
  const rows = await matchingRows(session, search, true);
  if (rows === undefined) return undefined;
  const threads = algorithm === 'REFERENCES' ? referencesThreads(rows) : orderedSubjectThreads(rows);
  const text = formatThreads(threads, (row) => (uid ? row.summary.uid : row.position + 1));
  session.out.line(text === '' ? '* THREAD' : `* THREAD ${text}`);
  return undefined;
};
