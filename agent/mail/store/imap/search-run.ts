/**
 * Runs parsed SEARCH criteria over the selected folder (SEARCH, ESEARCH, SORT and THREAD share
 * it). Keys that need message content read the messages a few ahead in parallel; each message is
 * parsed and decoded once, then dropped.
 */
import { MailStorageError, type MessageList } from '../mail-storage.js';
import type { ImapSession } from './imap-session.js';
import { MessageCursor } from './message-cursor.js';
import { visitInOrder } from './read-window.js';
import { matchesSearch, SearchableMessage, type SearchCandidate } from './search-match.js';
import { needsBody, needsContent, type SearchKey } from './search-query.js';
import type { SelectedFolder } from './selected-folder.js';

/** The message at `index` as search criteria see it (message-cursor.ts). */
class SearchCursor extends MessageCursor implements SearchCandidate {
  constructor(
    list: MessageList,
    private readonly isRecent: (uid: number) => boolean,
  ) {
    super(list);
  }

  get seq(): number {
    return this.index + 1;
  }

  get recent(): boolean {
    return this.isRecent(this.uid);
  }
}

/** Headers read per turn of the event loop (synchronous reads: a few ms, then others run). */
const headerSlice = 256;

/**
 * Positions (0-based, ascending) of the messages matching `query`, or undefined when the session
 * closed while the search ran. Messages expunged meanwhile simply do not match.
 */
export async function searchPositions(
  session: ImapSession,
  selected: SelectedFolder,
  query: SearchKey,
): Promise<number[] | undefined> {
  const messages = selected.messages();
  const scope = {
    count: messages.length,
    highestUid: messages.length > 0 ? messages.uid(messages.length - 1) : 0,
    saved: new Set(selected.savedResult),
  };
  const cursor = new SearchCursor(messages, (uid) => selected.isRecent(uid));
  const candidate = (index: number): SearchCandidate => {
    cursor.index = index;
    return cursor;
  };
  const found: number[] = [];
  if (!needsContent(query)) {
    for (let i = 0; i < messages.length; i++) {
      if (matchesSearch(query, candidate(i), scope, undefined)) found.push(i);
    }
    return found;
  }
  if (!needsBody(query)) {
    // Header keys alone (FROM, SUBJECT, HEADER, SENT*) need only each file's header, read in slices.
    for (let from = 0; from < messages.length; from += headerSlice) {
      const uids: number[] = [];
      for (let i = from; i < Math.min(messages.length, from + headerSlice); i++) uids.push(messages.uid(i));
      const headers = await selected.view.readHeaders(uids);
      if (session.isClosed) return undefined;
      headers.forEach((header, k) => {
        const i = from + k;
        if (header && matchesSearch(query, candidate(i), scope, new SearchableMessage(header))) found.push(i);
      });
    }
    return found;
  }
  const read = async (index: number): Promise<Buffer | undefined> => {
    try {
      return await selected.view.read(messages.uid(index));
    } catch (error) {
      if (error instanceof MailStorageError && error.code === 'no-such-message') return undefined;
      throw error;
    }
  };
  const complete = await visitInOrder(messages.length, session.context.limits.readAhead, read, (i, raw) => {
    if (session.isClosed) return false;
    if (raw && matchesSearch(query, candidate(i), scope, new SearchableMessage(raw))) found.push(i);
    return true;
  });
  return complete ? found : undefined;
}
