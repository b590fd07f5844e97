/**
 * Adding messages to a folder (LMTP delivery, IMAP APPEND and MULTIAPPEND): quota reserved first,
 * then the files written to tmp/ and fsynced, renamed into new/ (or cur/ when they have flags), and
 * committed by the folder (directory fsync + uidlist records, shared with concurrent deliveries).
 * Resolves only when all of that is durable.
 */
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeNewFileDurably } from '../../../common/durable-fs.js';
import { toCrlf } from './crlf.js';
import { keywordsOf, lettersOf } from './folder-changes.js';
import type { FolderStore } from './folder-store.js';
import type { MailboxState } from './mailbox-state.js';
import { formatMessageFileName } from './message-file-name.js';
import type { UncommittedFile } from './uidlist-group-commit.js';

/** Options of an append. */
export interface AppendOptions {
  flags?: readonly string[];
  internalDate?: Date;
}

/** Writes the message file into tmp/ durably; returns its path. */
async function writeTmpFile(
  store: FolderStore,
  base: string,
  data: Buffer,
  internalDate: Date,
): Promise<string> {
  const path = join(store.path, 'tmp', base);
  // Dovecot reads the received date (INTERNALDATE) from the file's mtime; it is set exactly so the
  // date stays the same after a restart (when it is read back from the file).
  await writeNewFileDurably(path, data, internalDate);
  return path;
}

/** Appends one message; resolves with its UID once durable. */
export async function appendMessage(
  state: MailboxState,
  folder: string,
  message: Buffer,
  options: AppendOptions = {},
): Promise<{ uid: number; uidValidity: number }> {
  const { uids, uidValidity } = await appendMessages(state, folder, [{ message, options }]);
  return { uid: uids[0]!, uidValidity };
}

/**
 * Appends messages to one folder, all or none (IMAP MULTIAPPEND, RFC 3502): quota for all of them
 * is reserved first, every file is written and fsynced in tmp/ before the first is moved in, and
 * one commit gives them their UIDs. A failure takes back every file already moved in. Resolves
 * with the UIDs, in order, once all are durable.
 */
export async function appendMessages(
  state: MailboxState,
  folder: string,
  messages: ReadonlyArray<{ message: Buffer; options?: AppendOptions }>,
): Promise<{ uids: number[]; uidValidity: number }> {
  const store = await state.folder(folder);
  // What another program put in the folder is numbered first, as Dovecot's delivery would.
  await state.syncFolder(store, 'delivery');
  const data = messages.map((entry) => toCrlf(entry.message));
  const total = data.reduce((sum, bytes) => sum + bytes.length, 0);
  state.quota.reserve(total);
  let settled = false;
  const tmpPaths: string[] = [];
  const finalPaths: string[] = [];
  try {
    const keywords = keywordsOf(messages.flatMap((entry) => entry.options?.flags ?? []));
    if (keywords.length > 0) await store.ensureKeywords(keywords);
    const files: UncommittedFile[] = [];
    for (const [i, bytes] of data.entries()) {
      const options = messages[i]!.options ?? {};
      const letters = lettersOf(options.flags ?? [], store.keywords);
      const base = state.context.names.next(bytes.length);
      const internalDate = options.internalDate ?? new Date(Math.floor(Date.now() / 1000) * 1000);
      tmpPaths.push(await writeTmpFile(store, base, bytes, internalDate));
      // Without flags the message is "new" (not yet seen by a mail reader), as Maildir delivery does.
      files.push({
        base,
        subdir: letters === '' ? 'new' : 'cur',
        fileName: letters === '' ? base : formatMessageFileName(base, letters),
        letters,
        size: bytes.length,
        internalDate,
      });
    }
    for (const [i, file] of files.entries()) {
      const finalPath = join(store.path, file.subdir, file.fileName);
      // Ours, on its way to the commit: a scan for other programs' files must not number it too.
      store.expectIncoming(file.base);
      await store.ownChange(() => rename(tmpPaths[i]!, finalPath));
      finalPaths.push(finalPath);
    }
    const uids = (await store.commit(files)) as number[];
    settled = true;
    state.quota.record({ bytes: total, messages: files.length }, total);
    // The replica holds them too before the client hears they are stored (RPO 0 for delivered
    // mail), unless the store is unprotected now: the feed then journals them and resolves.
    const feed = state.context.changeFeed();
    if (feed) {
      await feed.appended(
        state.user,
        store.name,
        store.uidValidity,
        files.map((file, i) => ({
          uid: uids[i]!,
          flags: messages[i]!.options?.flags ?? [],
          internalDate: file.internalDate.getTime(),
          body: data[i]!,
        })),
      );
    }
    notifyOthers(state, store.name);
    return { uids, uidValidity: store.uidValidity };
  } catch (error) {
    for (const path of finalPaths) store.dropIncoming(basename(path).split(':')[0]!);
    for (const path of tmpPaths) store.dropIncoming(basename(path));
    // Not acknowledged: take every file back, so a retry does not deliver any of them twice.
    await Promise.all([...tmpPaths, ...finalPaths].map((path) => rm(path, { force: true })));
    throw error;
  } finally {
    if (!settled) state.quota.release(total);
  }
}

/** Tells the sessions of the mailbox, but not the feed: it heard of the append already. */
function notifyOthers(state: MailboxState, folder: string): void {
  state.notify(folder, { fed: true });
}
