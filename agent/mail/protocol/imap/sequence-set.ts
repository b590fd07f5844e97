/**
 * IMAP sequence sets (RFC 3501 9, `sequence-set`): `1:4,7,9:*`, over message sequence numbers or
 * UIDs. Ranges are resolved by binary search, never expanded, so `1:4294967295` costs nothing.
 */

/** One end of a range: a number, or `*` (the highest sequence number or UID in the mailbox). */
export type SequenceBound = number | '*';

/** A parsed sequence set: its ranges as sent (a single number is a range of one). */
export interface SequenceSet {
  ranges: ReadonlyArray<readonly [SequenceBound, SequenceBound]>;
  /** `$`: the result saved by SEARCH RETURN (SAVE) (RFC 5182); `ranges` is then empty. */
  saved?: true;
}

/** A sequence set that does not parse or names messages that do not exist. */
export class SequenceSetError extends Error {
  override readonly name = 'SequenceSetError';
}

const maxNumber = 0xffffffff;

function parseBound(text: string): SequenceBound {
  if (text === '*') return '*';
  if (!/^[1-9][0-9]{0,9}$/.test(text))
    throw new SequenceSetError(`invalid number "${text.slice(0, 20)}" in sequence set`);
  const value = Number(text);
  if (value > maxNumber)
    throw new SequenceSetError(`number ${text} in sequence set is larger than 4294967295`);
  return value;
}

/** Parses a sequence set strictly; throws {@link SequenceSetError}. */
export function parseSequenceSet(text: string): SequenceSet {
  if (text === '') throw new SequenceSetError('empty sequence set');
  if (text === '$') return { ranges: [], saved: true };
  const ranges: Array<readonly [SequenceBound, SequenceBound]> = [];
  for (const part of text.split(',')) {
    const colon = part.indexOf(':');
    if (colon === -1) {
      const bound = parseBound(part);
      ranges.push([bound, bound]);
    } else {
      ranges.push([parseBound(part.slice(0, colon)), parseBound(part.slice(colon + 1))]);
    }
  }
  return { ranges };
}

/** Whether a token could be a sequence set (SEARCH uses this to tell one from a search key). */
export function looksLikeSequenceSet(text: string): boolean {
  return /^[0-9*][0-9*:,]*$/.test(text);
}

/**
 * Message sequence numbers (1-based, ascending, no duplicates) in a set, for a mailbox of `count`
 * messages. A number above `count` is an error (RFC 3501 says such a set is invalid); in an empty
 * mailbox a set using `*` is simply empty.
 */
export function resolveSequenceNumbers(set: SequenceSet, count: number): number[] {
  const marks = new Uint8Array(count + 1);
  for (const [a, b] of set.ranges) {
    if (count === 0) {
      if (a === '*' || b === '*') continue;
      throw new SequenceSetError('no messages in the mailbox');
    }
    const x = a === '*' ? count : a;
    const y = b === '*' ? count : b;
    const low = Math.min(x, y);
    const high = Math.max(x, y);
    if (high > count)
      throw new SequenceSetError(`message sequence number ${high} does not exist (${count} messages)`);
    marks.fill(1, low, high + 1);
  }
  const result: number[] = [];
  for (let i = 1; i <= count; i++) if (marks[i] === 1) result.push(i);
  return result;
}

/** First index in [0, length) whose UID (ascending) is >= `value`. */
export function lowerBound(length: number, uidAt: (index: number) => number, value: number): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (uidAt(middle) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Positions (0-based, ascending) of the messages whose UID is in the set, among `length` messages
 * in ascending UID order. `*` is the highest UID present, so `559:*` always includes the last
 * message (RFC 3501 6.4.8).
 */
export function resolveUids(set: SequenceSet, length: number, uidAt: (index: number) => number): number[] {
  if (length === 0) return [];
  const highest = uidAt(length - 1);
  const marks = new Uint8Array(length);
  for (const [a, b] of set.ranges) {
    const x = a === '*' ? highest : a;
    const y = b === '*' ? highest : b;
    const from = lowerBound(length, uidAt, Math.min(x, y));
    const to = lowerBound(length, uidAt, Math.max(x, y) + 1);
    if (from < to) marks.fill(1, from, to);
  }
  const result: number[] = [];
  for (let i = 0; i < length; i++) if (marks[i] === 1) result.push(i);
  return result;
}

/** Compact form of a list of numbers (`1:3,7,9:10`), in the given order (COPYUID pairs source and target by position). */
export function formatSequence(numbers: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < numbers.length) {
    const start = numbers[i]!;
    let end = start;
    while (i + 1 < numbers.length && numbers[i + 1] === end + 1) {
      end++;
      i++;
    }
    parts.push(start === end ? String(start) : `${start}:${end}`);
    i++;
  }
  return parts.join(',');
}
