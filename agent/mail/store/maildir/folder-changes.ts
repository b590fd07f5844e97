/**
 * Flag changes and expunges inside one folder. Flags live in file names, so a change is a rename
 * (new/ -> cur/ on the first change) followed by one fsync of the directories touched; an expunge
 * unlinks the files and fsyncs. dovecot-uidlist is not touched (it maps the unchanging base names);
 * its dead lines are compacted away now and then.
 */
import { renameSync } from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, isMissing } from '../../../common/durable-fs.js';
import { MailStorageError, type MessageSummary } from '../mail-storage.js';
import type { FolderStore } from './folder-store.js';
import { foreignLetters, isValidKeyword, type KeywordTable, systemFlagLetters } from './keyword-table.js';
import { formatMessageFileName, sortLetters } from './message-file-name.js';

/** Files moved from new/ to cur/ in one turn of the folder's lane, the pause between turns, and before the first. */
const renameSlice = 250;
const renamePauseMs = 25;
const renameStartMs = 3000;

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

/** What a flag change did: the state of every requested message that exists, and those refused. */
export interface FlagChangeOutcome {
  stored: MessageSummary[];
  /** UIDs left alone because they changed after UNCHANGEDSINCE (RFC 7162 3.1.3). */
  modified: number[];
}

/**
 * Changes flags under one new mod-sequence; resolves once durable. With `unchangedSince`, messages
 * whose mod-sequence is higher are left alone and reported in `modified`.
 */
export async function setMessageFlags(
  store: FolderStore,
  uids: readonly number[],
  mode: 'add' | 'remove' | 'replace',
  flags: readonly string[],
  unchangedSince?: number,
): Promise<FlagChangeOutcome> {
  if (mode !== 'remove') await store.ensureKeywords(keywordsOf(flags));
  return store.lane.run(async () => {
    if (store.deleted) throw new MailStorageError('no-such-folder', `folder ${store.name} was deleted`);
    const letters = lettersOf(flags, store.keywords);
    const touchedDirs = new Set<string>();
    const outcome: FlagChangeOutcome = { stored: [], modified: [] };
    const table = store.table;
    // Taken at the first real change, before any file is renamed: the table follows each rename
    // at once (a reader finds the file under its new name) with its new mod-sequence.
    let modseq: number | undefined;
    await store.ownChange(async () => {
      for (const uid of uids) {
        let row = table.rowOf(uid);
        if (row < 0) continue;
        if (unchangedSince !== undefined && table.modseq(row) > unchangedSince) {
          outcome.modified.push(uid);
          continue;
        }
        const current = table.letters(row);
        const next = nextLetters(current, mode, letters);
        if (next === current) continue;
        modseq ??= await store.modseqs.next();
        // The lane keeps rows still, but the await above let reads run: look again.
        row = table.rowOf(uid);
        const from = store.filePath(row);
        const subdir = table.subdir(row);
        const fileName = formatMessageFileName(table.base(row), next);
        try {
          await rename(from, join(store.path, 'cur', fileName));
        } catch (error) {
          if (isMissing(error)) continue;
          throw error;
        }
        touchedDirs.add(subdir).add('cur');
        store.changeFile(table.rowOf(uid), 'cur', fileName, modseq);
      }
    });
    if (modseq !== undefined) {
      await Promise.all([
        store.saveModseqs(),
        ...[...touchedDirs].map((d) => fsyncDirectory(join(store.path, d))),
      ]);
      store.version++;
    }
    const refused = new Set(outcome.modified);
    for (const uid of uids) {
      const row = table.rowOf(uid);
      if (row >= 0 && !refused.has(uid)) outcome.stored.push(store.summaryAt(row));
    }
    return outcome;
  });
}

/** Removes messages flagged \Deleted (only those in `uids` when given); resolves once durable. */
export async function expungeMessages(
  store: FolderStore,
  uids?: readonly number[],
): Promise<{ uids: number[]; bytes: number }> {
  return store.lane.run(async () => {
    if (store.deleted) throw new MailStorageError('no-such-folder', `folder ${store.name} was deleted`);
    const table = store.table;
    const doomed: number[] = [];
    if (uids) {
      for (const uid of new Set(uids)) {
        const row = table.rowOf(uid);
        if (row >= 0 && table.hasLetter(row, 'T')) doomed.push(uid);
      }
      doomed.sort((a, b) => a - b);
    } else {
      for (let row = 0; row < table.length; row++) if (table.hasLetter(row, 'T')) doomed.push(table.uid(row));
    }
    const touchedDirs = new Set<string>();
    let bytes = 0;
    await store.ownChange(async () => {
      for (const uid of doomed) {
        const row = table.rowOf(uid);
        touchedDirs.add(table.subdir(row));
        bytes += table.size(row);
        try {
          await unlink(store.filePath(row));
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    });
    if (doomed.length > 0) store.forget(doomed, await store.modseqs.next());
    await Promise.all([
      store.saveModseqs(),
      ...[...touchedDirs].map((d) => fsyncDirectory(join(store.path, d))),
    ]);
    if (store.wantsCompaction) await store.rewriteIndex();
    return { uids: doomed, bytes };
  });
}

/**
 * Moves the given messages still in new/ to cur/: a session took them as \Recent, so they are not
 * new any more (as Maildir readers do). No fsync: a message found in new/ after a crash is only
 * \Recent once more.
 */
export async function moveNewToCur(store: FolderStore, uids: readonly number[]): Promise<void> {
  // Low-priority bookkeeping: slices of synchronous renames, each its own short turn in the
  // folder's lane, with a pause between them, so 100,000 renames after a first SELECT never hold
  // up a STORE, a delivery or another session's FETCH for long.
  // A client usually FETCHes or SEARCHes right after SELECT: start once that is likely done.
  await new Promise((resolve) => setTimeout(resolve, renameStartMs));
  const table = store.table;
  const inNew = (uid: number): boolean => {
    const row = table.rowOf(uid);
    return row >= 0 && table.subdir(row) === 'new';
  };
  for (let from = 0; from < uids.length; from += renameSlice) {
    const slice = uids.slice(from, from + renameSlice);
    if (!slice.some(inNew)) continue;
    if (from > 0) await new Promise((resolve) => setTimeout(resolve, renamePauseMs));
    await store.lane.run(() =>
      store.ownChange(async () => {
        for (const uid of slice) {
          if (!inNew(uid)) continue;
          const row = table.rowOf(uid);
          const fileName = formatMessageFileName(table.base(row), table.letters(row));
          try {
            renameSync(store.filePath(row), join(store.path, 'cur', fileName));
          } catch (error) {
            if (isMissing(error)) continue;
            throw error;
          }
          store.moveFile(row, 'cur', fileName);
        }
      }),
    );
  }
}
