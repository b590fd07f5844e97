/**
 * SEARCH and UID SEARCH (RFC 3501 6.4.4) with CHARSET UTF-8. Keys that need message content read
 * the messages a few ahead in parallel; each message is parsed and decoded once, then dropped.
 */
import { MailStorageError } from '../../mail-storage.js';
import type { CommandHandler } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import { enableCondstore } from '../modseq-mode.js';
import { matchesSearch, SearchableMessage, type SearchCandidate } from '../search-match.js';
import { needsBody, needsContent, parseSearchQuery, SearchQueryError, usesModseq } from '../search-query.js';

/** Headers read per turn of the event loop (synchronous reads: a few ms, then others run). */
const headerSlice = 256;

/** SEARCH / UID SEARCH. */
export const searchCommand: CommandHandler = async (session, command, uid) => {
  const selected = session.selected!;
  let query: ReturnType<typeof parseSearchQuery>;
  try {
    query = parseSearchQuery(command.args);
  } catch (error) {
    if (!(error instanceof SearchQueryError)) throw error;
    if (error.badCharset) throw no(error.message, 'BADCHARSET (UTF-8 US-ASCII ISO-2022-JP SHIFT_JIS EUC-JP)');
    throw bad(error.message);
  }
  const messages = selected.messages();
  const scope = { count: messages.length, highestUid: messages.at(-1)?.uid ?? 0 };
  const candidate = (index: number): SearchCandidate => {
    const summary = messages[index]!;
    return { ...summary, seq: index + 1, recent: selected.isRecent(summary.uid) };
  };
  const found: number[] = [];
  if (!needsContent(query)) {
    for (let i = 0; i < messages.length; i++) {
      if (matchesSearch(query, candidate(i), scope, undefined)) found.push(uid ? messages[i]!.uid : i + 1);
    }
  } else if (!needsBody(query)) {
    // Header keys alone (FROM, SUBJECT, HEADER, SENT*) need only each file's header, read in slices.
    for (let from = 0; from < messages.length; from += headerSlice) {
      const slice = messages.slice(from, from + headerSlice);
      const headers = await selected.view.readHeaders(slice.map((m) => m.uid));
      if (session.isClosed) return undefined;
      headers.forEach((header, k) => {
        const i = from + k;
        if (header && matchesSearch(query, candidate(i), scope, new SearchableMessage(header)))
          found.push(uid ? messages[i]!.uid : i + 1);
      });
    }
  } else {
    const read = async (index: number): Promise<Buffer | undefined | { error: unknown }> => {
      try {
        return await selected.view.read(messages[index]!.uid);
      } catch (error) {
        if (error instanceof MailStorageError && error.code === 'no-such-message') return undefined;
        return { error };
      }
    };
    const window: Array<Promise<Buffer | undefined | { error: unknown }>> = [];
    let next = 0;
    const fill = (): void => {
      while (window.length < session.context.limits.readAhead && next < messages.length)
        window.push(read(next++));
    };
    fill();
    for (let i = 0; i < messages.length; i++) {
      const raw = await window.shift()!;
      fill();
      if (session.isClosed) return undefined;
      if (raw === undefined) continue;
      if (!Buffer.isBuffer(raw)) {
        await Promise.all(window);
        throw raw.error;
      }
      if (matchesSearch(query, candidate(i), scope, new SearchableMessage(raw)))
        found.push(uid ? messages[i]!.uid : i + 1);
    }
  }
  // SEARCH MODSEQ answers with the highest mod-sequence of what it found (RFC 7162 3.1.5).
  let modseq = '';
  if (usesModseq(query)) {
    enableCondstore(session);
    let highest = 0;
    for (const n of found)
      highest = Math.max(highest, messages[uid ? selected.positionOf(n) : n - 1]?.modseq ?? 0);
    if (found.length > 0) modseq = ` (MODSEQ ${highest})`;
  }
  session.out.line(found.length > 0 ? `* SEARCH ${found.join(' ')}${modseq}` : '* SEARCH');
  return undefined;
};
