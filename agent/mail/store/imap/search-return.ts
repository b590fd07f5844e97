/**
 * Extended SEARCH results (ESEARCH, RFC 4731; ESORT, RFC 5267; SAVE, RFC 5182): the `RETURN (...)`
 * options a SEARCH or SORT may start with, and the `* ESEARCH` response built from a result.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { imapString } from '../../protocol/imap/imap-string.js';
import { formatSequence } from '../../protocol/imap/sequence-set.js';
import { bad } from './imap-errors.js';

/** A result option of `RETURN (...)`. */
export type SearchReturnOption = 'MIN' | 'MAX' | 'ALL' | 'COUNT' | 'SAVE';

const known = new Set<string>(['MIN', 'MAX', 'ALL', 'COUNT', 'SAVE']);

/** What a command asked for: `options` undefined means no RETURN (a classic `* SEARCH`/`* SORT`). */
export interface SearchReturn {
  options: ReadonlySet<SearchReturnOption> | undefined;
  /** The arguments after `RETURN (...)`. */
  rest: ImapToken[];
}

/**
 * Reads a leading `RETURN (options)`. An empty list means ALL (RFC 4731 3.1); `allowSave` is false
 * for SORT (SEARCHRES saves SEARCH results only in this server).
 */
export function parseSearchReturn(args: readonly ImapToken[], allowSave: boolean): SearchReturn {
  const first = args[0];
  if (first?.type !== 'atom' || first.value.toUpperCase() !== 'RETURN')
    return { options: undefined, rest: [...args] };
  const list = args[1];
  if (list?.type !== 'list') throw bad('RETURN must be followed by a parenthesised list of options');
  const options = new Set<SearchReturnOption>();
  for (const item of list.items) {
    const name = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (!known.has(name) || (name === 'SAVE' && !allowSave))
      throw bad(`Unknown RETURN option ${name.slice(0, 30) || '(not an atom)'}`);
    options.add(name as SearchReturnOption);
  }
  if (options.size === 0) options.add('ALL');
  return { options, rest: args.slice(2) };
}

/**
 * The `* ESEARCH` line for `results`: sequence numbers or UIDs, ascending for SEARCH, in sort
 * order for SORT (MIN and MAX are then the first and last sorted, RFC 5267 3.1, and ALL lists them
 * in that order). Undefined when SAVE was the only option (RFC 5182 2.1: no response at all).
 * `modseq` is the highest mod-sequence of the messages reported (see reportedResults) for a
 * search with a MODSEQ key (RFC 7162 3.1.5).
 */
export function esearchLine(
  tag: string,
  uid: boolean,
  results: readonly number[],
  options: ReadonlySet<SearchReturnOption>,
  modseq?: number,
): string | undefined {
  if (options.size === 1 && options.has('SAVE')) return undefined;
  let line = `* ESEARCH (TAG ${imapString(tag)})${uid ? ' UID' : ''}`;
  if (results.length > 0) {
    if (options.has('MIN')) line += ` MIN ${results[0]}`;
    if (options.has('MAX')) line += ` MAX ${results.at(-1)}`;
    if (options.has('ALL')) line += ` ALL ${formatSequence(results)}`;
  }
  if (options.has('COUNT')) line += ` COUNT ${results.length}`;
  if (modseq !== undefined && results.length > 0) line += ` MODSEQ ${modseq}`;
  return line;
}

/**
 * The results an ESEARCH reports on: the whole result, or only its minimum and/or maximum when
 * MIN or MAX are asked without ALL or COUNT. That is what SAVE keeps as `$` (RFC 5182 2.4) and
 * whose highest mod-sequence MODSEQ gives (RFC 7162 3.1.5).
 */
export function reportedResults(
  results: readonly number[],
  options: ReadonlySet<SearchReturnOption>,
): number[] {
  if (results.length === 0) return [];
  if (options.has('ALL') || options.has('COUNT') || !(options.has('MIN') || options.has('MAX')))
    return [...results];
  const kept = new Set<number>();
  if (options.has('MIN')) kept.add(results[0]!);
  if (options.has('MAX')) kept.add(results.at(-1)!);
  return [...kept].sort((a, b) => a - b);
}
