/**
 * Flag changes and expunges inside one folder. Flags live in file names, so a change is a rename
 * (new/ -> cur/ on the first change) followed by one fsync of the directories touched; an expunge
 * unlinks the files and fsyncs. dovecot-uidlist is not touched (it maps the unchanging base names);
 * its dead lines are compacted away now and then.
 */
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { MailStorageError, type MessageSummary } from '../mail-storage.js';
import { fsyncDirectory, isMissing } from './durable-fs.js';
import type { FolderStore } from './folder-store.js';
import { foreignLetters, isValidKeyword, type KeywordTable, systemFlagLetters } from './keyword-table.js';
import { formatMessageFileName, sortLetters } from './message-file-name.js';

/** Keywords (non-system flags) in a flag list that are valid atoms; `\Recent` and unknown `\X` are left out. */
export function keywordsOf(flags: readonly string[]): string[] {
  return flags.filter((flag) => !flag.startsWith('\\') && isValidKeyword(flag));
}

/** The letters for IMAP flags in a folder (keywords without a letter are left out). */
export function lettersOf(flags: readonly string[], keywords: KeywordTable): string {
  let letters = '';
  for (const flag of flags) {
    const system = Object.entries(systemFlagLetters).find(
      ([name]) => name.toLowerCase() === flag.toLowerCase(),
    );
    if (system) letters += system[1];
    else if (!flag.startsWith('\\')) letters += keywords.letterOf(flag) ?? '';
  }
  return sortLetters(letters);
}

function nextLetters(current: string, mode: 'add' | 'remove' | 'replace', letters: string): string {
  if (mode === 'add') return sortLetters(current + letters);
  if (mode === 'remove') return sortLetters([...current].filter((l) => !letters.includes(l)).join(''));
  return sortLetters(foreignLetters(current) + letters);
}

/** Changes flags; resolves with the state of every requested message that exists, once durable. */
export async function setMessageFlags(
  store: FolderStore,
  uids: readonly number[],
  mode: 'add' | 'remove' | 'replace',
  flags: readonly string[],
): Promise<MessageSummary[]> {
  if (mode !== 'remove') await store.ensureKeywords(keywordsOf(flags));
  return store.lane.run(async () => {
    if (store.deleted) throw new MailStorageError('no-such-folder', `folder ${store.name} was deleted`);
    const letters = lettersOf(flags, store.keywords);
    const touchedDirs = new Set<string>();
    const result: MessageSummary[] = [];
    for (const uid of uids) {
      const message = store.get(uid);
      if (!message) continue;
      const next = nextLetters(message.letters, mode, letters);
      if (next !== message.letters) {
        const fileName = formatMessageFileName(message.base, next);
        try {
          await rename(store.filePath(message), join(store.path, 'cur', fileName));
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
        touchedDirs.add(message.subdir).add('cur');
        store.updateFile(message, 'cur', fileName, next);
      }
      result.push(message.summary);
    }
    await Promise.all([...touchedDirs].map((d) => fsyncDirectory(join(store.path, d))));
    if (touchedDirs.size > 0) store.version++;
    return result;
  });
}

/** Removes messages flagged \Deleted (only those in `uids` when given); resolves once durable. */
export async function expungeMessages(
  store: FolderStore,
  uids?: readonly number[],
): Promise<{ uids: number[]; bytes: number }> {
  return store.lane.run(async () => {
    if (store.deleted) throw new MailStorageError('no-such-folder', `folder ${store.name} was deleted`);
    const only = uids ? new Set(uids) : undefined;
    const doomed = store.messages().filter((m) => m.letters.includes('T') && (!only || only.has(m.uid)));
    const touchedDirs = new Set<string>();
    let bytes = 0;
    for (const message of doomed) {
      try {
        await unlink(store.filePath(message));
      } catch (error) {
        if (!isMissing(error)) throw error;
      }
      touchedDirs.add(message.subdir);
      bytes += message.summary.size;
    }
    await Promise.all([...touchedDirs].map((d) => fsyncDirectory(join(store.path, d))));
    const removed = doomed.map((m) => m.uid);
    store.forget(removed);
    if (store.wantsCompaction) await store.rewriteIndex();
    return { uids: removed, bytes };
  });
}

/** Moves messages of new/ into cur/ (a reader has seen them, as Maildir readers do); no fsync needed. */
export async function markNewAsSeenByReader(store: FolderStore): Promise<void> {
  if (!store.messages().some((m) => m.subdir === 'new')) return;
  await store.lane.run(async () => {
    let moved = false;
    for (const message of store.messages()) {
      if (message.subdir !== 'new') continue;
      const fileName = formatMessageFileName(message.base, message.letters);
      try {
        await rename(store.filePath(message), join(store.path, 'cur', fileName));
      } catch (error) {
        if (isMissing(error)) continue;
        throw error;
      }
      store.updateFile(message, 'cur', fileName, message.letters);
      moved = true;
    }
    if (moved) store.version++;
  });
}
