/** Sort and thread keys of messages of the selected folder, from the cache or read ahead in parallel. */
import { MailStorageError } from '../mail-storage.js';
import type { ImapSession } from './imap-session.js';
import { structureKey } from './message-structure-cache.js';
import { visitInOrder } from './read-window.js';
import type { SelectedFolder } from './selected-folder.js';
import { messageSortKeys, type SortKeys } from './sort-keys.js';

/** Keys of a message whose file is gone (expunged meanwhile): it sorts as if it had no header. */
const noKeys: SortKeys = {
  subject: '',
  replyOrForward: false,
  from: '',
  to: '',
  cc: '',
  displayFrom: '',
  displayTo: '',
  sentDate: undefined,
  messageId: undefined,
  references: [],
};

/**
 * The keys of the messages at `positions` (same order), or undefined when the session closed
 * meanwhile.
 */
export async function loadSortKeys(
  session: ImapSession,
  selected: SelectedFolder,
  positions: readonly number[],
): Promise<SortKeys[] | undefined> {
  const { sortKeys } = session.context;
  const messages = selected.messages();
  const user = session.user!;
  const keyOf = (index: number): string =>
    structureKey(user, selected.name, selected.view.uidValidity, messages.uid(positions[index]!));
  const load = async (index: number): Promise<SortKeys> => {
    const key = keyOf(index);
    const cached = sortKeys.get(key);
    if (cached) return cached;
    try {
      const keys = messageSortKeys(await selected.view.read(messages.uid(positions[index]!)));
      sortKeys.set(key, keys);
      return keys;
    } catch (error) {
      if (error instanceof MailStorageError && error.code === 'no-such-message') return noKeys;
      throw error;
    }
  };
  const result: SortKeys[] = [];
  const complete = await visitInOrder(positions.length, session.context.limits.readAhead, load, (_, keys) => {
    if (session.isClosed) return false;
    result.push(keys);
    return true;
  });
  return complete ? result : undefined;
}
