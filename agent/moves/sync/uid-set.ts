/**
 * UID lists in the compact form IMAP uses for sequence sets (`1:500,502,610:612`), so a request
 * for 20,000 messages stays a few kilobytes when their UIDs run in a row.
 */

/** `1:3,7` for [1, 2, 3, 7] (the input must be ascending). */
export function formatUidSet(uids: readonly number[]): string {
  const parts: string[] = [];
  let start: number | undefined;
  let previous = 0;
  for (const uid of uids) {
    if (start !== undefined && uid === previous + 1) {
      previous = uid;
      continue;
    }
    if (start !== undefined) parts.push(start === previous ? `${start}` : `${start}:${previous}`);
    start = uid;
    previous = uid;
  }
  if (start !== undefined) parts.push(start === previous ? `${start}` : `${start}:${previous}`);
  return parts.join(',');
}

/** The UIDs of a set, ascending; throws on anything else, or on more than `limit` UIDs. */
export function parseUidSet(text: string, limit: number): number[] {
  if (text === '') return [];
  const uids: number[] = [];
  for (const part of text.split(',')) {
    const match = /^(\d{1,10})(?::(\d{1,10}))?$/.exec(part);
    if (!match) throw new Error(`not a UID set: ${JSON.stringify(text.slice(0, 80))}`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (from < 1 || to < from || (uids.length > 0 && from <= uids[uids.length - 1]!))
      throw new Error(`UIDs out of order in ${JSON.stringify(part)}`);
    if (uids.length + (to - from + 1) > limit) throw new Error(`more than ${limit} UIDs in one request`);
    for (let uid = from; uid <= to; uid++) uids.push(uid);
  }
  return uids;
}
