/**
 * SEARCH and UID SEARCH (RFC 3501 6.4.4) with CHARSET, the ESEARCH result options (RFC 4731:
 * `RETURN (MIN MAX ALL COUNT)`) and SEARCHRES (RFC 5182: `RETURN (SAVE)` keeps the result as `$`).
 */

import type { ImapToken } from '../../../protocol/imap/imap-parser.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import { enableCondstore } from '../modseq-mode.js';
import { parseSearchQuery, type SearchKey, SearchQueryError, usesModseq } from '../search-query.js';
import { esearchLine, parseSearchReturn, reportedResults } from '../search-return.js';
import { searchPositions } from '../search-run.js';

/** The charsets named in BADCHARSET (any label Node's ICU decodes is accepted). */
export const badCharsetCode = 'BADCHARSET (UTF-8 US-ASCII ISO-2022-JP SHIFT_JIS EUC-JP)';

/** Parses search criteria, turning query errors into BAD or NO [BADCHARSET]. */
export function searchQueryArg(args: readonly ImapToken[]): SearchKey {
  try {
    return parseSearchQuery(args);
  } catch (error) {
    if (!(error instanceof SearchQueryError)) throw error;
    if (error.badCharset) throw no(error.message, badCharsetCode);
    throw bad(error.message);
  }
}

/** SEARCH / UID SEARCH. */
export const searchCommand: CommandHandler = async (session, command, uid) => {
  const selected = session.selected!;
  const { options, rest } = parseSearchReturn(command.args, true);
  // A SAVE that fails leaves `$` empty (RFC 5182 2.1), so nothing acts on a stale result.
  if (options?.has('SAVE')) selected.savedResult = [];
  const query = searchQueryArg(rest);
  const positions = await searchPositions(session, selected, query);
  if (positions === undefined) return undefined;
  const messages = selected.messages();
  const results = uid ? positions.map((index) => messages.uid(index)) : positions.map((index) => index + 1);
  // SEARCH MODSEQ answers with the highest mod-sequence of what it reports (RFC 7162 3.1.5).
  let modseq: number | undefined;
  if (usesModseq(query)) {
    enableCondstore(session);
    const reported = options ? reportedResults(positions, options) : positions;
    modseq = reported.reduce((highest, index) => Math.max(highest, messages.modseq(index)), 0);
  }
  if (!options) {
    const suffix = modseq !== undefined && results.length > 0 ? ` (MODSEQ ${modseq})` : '';
    session.out.line(results.length > 0 ? `* SEARCH ${results.join(' ')}${suffix}` : '* SEARCH');
    return undefined;
  }
  if (options.has('SAVE')) {
    const saved = reportedResults(positions, options);
    selected.savedResult = saved.map((index) => messages.uid(index));
  }
  const line = esearchLine(command.tag, uid, results, options, modseq);
  if (line) session.out.line(line);
  return undefined;
};
