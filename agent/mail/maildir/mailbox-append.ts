/**
 * Adding a message to a folder (LMTP delivery, IMAP APPEND): quota reserved first, then the file
 * written to tmp/ and fsynced, renamed into new/ (or cur/ when it has flags), and committed by the
 * folder (directory fsync + uidlist record, shared with concurrent deliveries). Resolves only when
 * all of that is durable.
 */
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { toCrlf } from './crlf.js';
import { writeNewFileDurably } from './durable-fs.js';
import { keywordsOf, lettersOf } from './folder-changes.js';
import type { FolderStore, UncommittedFile } from './folder-store.js';
import type { MailboxState } from './mailbox-state.js';
import { formatMessageFileName } from './message-file-name.js';

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
  const store = await state.folder(folder);
  // What another program put in the folder is numbered first, as Dovecot's delivery would.
  await state.syncFolder(store, 'delivery');
  const data = toCrlf(message);
  const size = data.length;
  state.quota.reserve(size);
  let settled = false;
  try {
    const flags = options.flags ?? [];
    if (flags.length > 0) await store.ensureKeywords(keywordsOf(flags));
    const letters = lettersOf(flags, store.keywords);
    const base = state.context.names.next(size);
    const internalDate = options.internalDate ?? new Date(Math.floor(Date.now() / 1000) * 1000);
    const tmpPath = await writeTmpFile(store, base, data, internalDate);
    // Without flags the message is "new" (not yet seen by a mail reader), as Maildir delivery does.
    const file: UncommittedFile = {
      base,
      subdir: letters === '' ? 'new' : 'cur',
      fileName: letters === '' ? base : formatMessageFileName(base, letters),
      letters,
      size,
      internalDate,
    };
    const finalPath = join(store.path, file.subdir, file.fileName);
    store.expectIncoming(base);
    try {
      await store.ownChange(() => rename(tmpPath, finalPath));
    } catch (error) {
      store.dropIncoming(base);
      await rm(tmpPath, { force: true });
      throw error;
    }
    let uid: number;
    try {
      [uid] = (await store.commit([file])) as [number];
    } catch (error) {
      // Not acknowledged: take the file back so a retry does not deliver it twice.
      await rm(finalPath, { force: true });
      throw error;
    }
    settled = true;
    state.quota.record({ bytes: size, messages: 1 }, size);
    state.notify(store.name);
    return { uid, uidValidity: store.uidValidity };
  } finally {
    if (!settled) state.quota.release(size);
  }
}
