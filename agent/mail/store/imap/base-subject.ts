/**
 * The "base subject" of RFC 5256 2.1, which SORT SUBJECT and THREAD group and order by: the
 * subject decoded, with `Re:`, `Fwd:`, `[list]` tags, `(fwd)` trailers and `[fwd: ...]` wrappers
 * taken off, and whether any of those said the message is a reply or a forward.
 */

/** `subj-leader` (RFC 5256 5): blobs then `re`/`fw`/`fwd` and `:`, or one whitespace character. */
const leader = /^(?:(?:\[[^[\]]*\][ \t]*)*(?:re|fwd?)[ \t]*(?:\[[^[\]]*\][ \t]*)?:|[ \t])/i;
/** `subj-blob`: a bracketed tag and the whitespace after it. */
const blob = /^\[[^[\]]*\][ \t]*/;
/** Bounds on the work for a hostile subject (thousands of `[x]` tags): characters read, pieces removed. */
const maxSubjectChars = 4096;
const maxRemovals = 256;

/** The base subject of a decoded subject, and whether it is a reply or forward (RFC 5256 2.1). */
export function baseSubject(decoded: string): { subject: string; replyOrForward: boolean } {
  // (1) Tabs and folding become spaces; runs of spaces become one.
  let text = decoded
    .slice(0, maxSubjectChars)
    .replace(/[\t\r\n]/g, ' ')
    .replace(/ {2,}/g, ' ');
  let replyOrForward = false;
  let removals = 0;
  for (;;) {
    // (2) Trailing whitespace and "(fwd)" trailers.
    for (;;) {
      if (++removals > maxRemovals) return { subject: text, replyOrForward };
      if (text.endsWith(' ')) text = text.slice(0, -1);
      else if (/\(fwd\)$/i.test(text)) {
        text = text.slice(0, -5);
        replyOrForward = true;
      } else break;
    }
    // (3)-(5) Leaders, and leading blobs unless nothing would be left.
    for (;;) {
      if (++removals > maxRemovals) return { subject: text, replyOrForward };
      const lead = leader.exec(text);
      if (lead) {
        if (lead[0] !== ' ' && lead[0] !== '\t') replyOrForward = true;
        text = text.slice(lead[0].length);
        continue;
      }
      const tag = blob.exec(text);
      if (tag && /[^ \t]/.test(text.slice(tag[0].length))) {
        text = text.slice(tag[0].length);
        continue;
      }
      break;
    }
    // (6) "[fwd: ...]" around the whole subject: unwrap and start again.
    if (/^\[fwd:/i.test(text) && text.endsWith(']')) {
      text = text.slice(5, -1);
      replyOrForward = true;
      continue;
    }
    return { subject: text, replyOrForward };
  }
}

/**
 * A sort key compared with the i;ascii-casemap collation (RFC 4790): ASCII letters upper-cased,
 * then octets of UTF-8 compared. Returned as a latin1 string of those octets, so JavaScript's `<`
 * compares exactly that.
 */
export function casemapKey(text: string): string {
  return Buffer.from(
    text.replace(/[a-z]+/g, (letters) => letters.toUpperCase()),
    'utf8',
  ).toString('latin1');
}
