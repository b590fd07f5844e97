/**
 * SORT criteria (RFC 5256 3, SORT=DISPLAY RFC 5957): parsed from `(REVERSE DATE SUBJECT)` and
 * applied to messages. Strings compare with i;ascii-casemap; messages equal by every criterion
 * stay in mailbox order (REVERSE turns one criterion around, never that final order).
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import type { MessageSummary } from '../mail-storage.js';
import { bad } from './imap-errors.js';
import type { SortKeys } from './sort-keys.js';

/** A sort key name. */
export type SortKeyName =
  | 'ARRIVAL'
  | 'CC'
  | 'DATE'
  | 'FROM'
  | 'SIZE'
  | 'SUBJECT'
  | 'TO'
  | 'DISPLAYFROM'
  | 'DISPLAYTO';

/** One criterion of a SORT. */
export interface SortCriterion {
  key: SortKeyName;
  reverse: boolean;
}

const keyNames = new Set<string>([
  'ARRIVAL',
  'CC',
  'DATE',
  'FROM',
  'SIZE',
  'SUBJECT',
  'TO',
  'DISPLAYFROM',
  'DISPLAYTO',
]);
/** More criteria than there are keys can only repeat one; a bound keeps the comparison cheap. */
const maxCriteria = 16;

/** Parses the parenthesised sort criteria. */
export function parseSortCriteria(token: ImapToken | undefined): SortCriterion[] {
  if (token?.type !== 'list' || token.items.length === 0)
    throw bad('SORT needs a parenthesised list of sort criteria, e.g. (REVERSE DATE)');
  const criteria: SortCriterion[] = [];
  let reverse = false;
  for (const item of token.items) {
    const name = item.type === 'atom' ? item.value.toUpperCase() : '';
    if (name === 'REVERSE' && !reverse) {
      reverse = true;
      continue;
    }
    if (!keyNames.has(name)) throw bad(`Unknown sort criterion ${name.slice(0, 30) || '(not an atom)'}`);
    criteria.push({ key: name as SortKeyName, reverse });
    reverse = false;
  }
  if (reverse) throw bad('REVERSE must be followed by a sort key');
  if (criteria.length > maxCriteria) throw bad(`More than ${maxCriteria} sort criteria`);
  return criteria;
}

/** Whether the criteria need header keys (anything but ARRIVAL and SIZE). */
export function needsHeaderKeys(criteria: readonly SortCriterion[]): boolean {
  return criteria.some((criterion) => criterion.key !== 'ARRIVAL' && criterion.key !== 'SIZE');
}

/** One message as SORT sees it. */
export interface SortRow {
  /** Position in the folder (0-based): the final tie-break. */
  position: number;
  summary: MessageSummary;
  /** Header keys; absent when the criteria need none. */
  keys?: SortKeys;
}

/** The sent date of RFC 5256 2.2: the Date header, else INTERNALDATE. */
export function sentTime(row: SortRow): number {
  return row.keys?.sentDate ?? row.summary.internalDate.getTime();
}

function compareValues(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortValue(row: SortRow, key: SortKeyName): string | number {
  switch (key) {
    case 'ARRIVAL':
      return row.summary.internalDate.getTime();
    case 'SIZE':
      return row.summary.size;
    case 'DATE':
      return sentTime(row);
    case 'SUBJECT':
      return row.keys?.subject ?? '';
    case 'FROM':
      return row.keys?.from ?? '';
    case 'TO':
      return row.keys?.to ?? '';
    case 'CC':
      return row.keys?.cc ?? '';
    case 'DISPLAYFROM':
      return row.keys?.displayFrom ?? '';
    case 'DISPLAYTO':
      return row.keys?.displayTo ?? '';
  }
}

/** Sorts rows in place by the criteria, then by position. */
export function sortRows(rows: SortRow[], criteria: readonly SortCriterion[]): SortRow[] {
  return rows.sort((a, b) => {
    for (const criterion of criteria) {
      const order = compareValues(sortValue(a, criterion.key), sortValue(b, criterion.key));
      if (order !== 0) return criterion.reverse ? -order : order;
    }
    return a.position - b.position;
  });
}
