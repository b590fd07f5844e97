/**
 * COPY and MOVE between folders of one mailbox. A copy is a hard link into the target's cur/ under
 * a new base name (Dovecot does the same), a move a rename; either way the target commits the new
 * files like deliveries (directory fsync, uidlist records). A crash between the link or rename and
 * the target's commit leaves a file without a record, which recovery gives a new UID: the message
 * is never lost or doubled, and a moved message is never in both folders.
 */
import { link, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory, isMissing } from '../../../common/durable-fs.js';
import { keywordsOf, lettersOf } from './folder-changes.js';
import type { FolderStore } from './folder-store.js';
import { formatMessageFileName, type MessageBaseGenerator } from './message-file-name.js';
import type { UncommittedFile } from './uidlist-group-commit.js';

/** Source UID -> target UID for what was copied or moved. */
export type TransferMap = Map<number, number>;

/** The target's file for the message at `row` of `source`: a new base, its flags in the target's letters. */
function targetFile(
  source: FolderStore,
  row: number,
  target: FolderStore,
  names: MessageBaseGenerator,
): UncommittedFile {
  const size = source.table.size(row);
  const base = names.next(size);
  const letters = lettersOf(source.flagsOf(source.table.letterSet(row)), target.keywords);
  return {
    base,
    subdir: 'cur',
    fileName: formatMessageFileName(base, letters),
    letters,
    size,
    internalDate: new Date(source.table.internalTime(row)),
  };
}

async function commitTransfers(
  target: FolderStore,
  sources: number[],
  files: UncommittedFile[],
): Promise<TransferMap> {
  const uids = files.length > 0 ? await target.commit(files) : [];
  return new Map(sources.map((uid, i) => [uid, uids[i]!]));
}

/** The keywords of the messages of `uids` that exist in `source`. */
function keywordsOfMessages(source: FolderStore, uids: readonly number[]): string[] {
  const keywords = new Set<string>();
  for (const uid of uids) {
    const row = source.rowOf(uid);
    if (row >= 0)
      for (const keyword of keywordsOf(source.flagsOf(source.table.letterSet(row)))) keywords.add(keyword);
  }
  return [...keywords];
}

/** Copies messages (those that still exist) into `target`; resolves once durable. */
export async function copyMessages(
  source: FolderStore,
  target: FolderStore,
  uids: readonly number[],
  names: MessageBaseGenerator,
): Promise<TransferMap> {
  const present = uids.filter((uid) => source.rowOf(uid) >= 0);
  await target.ensureKeywords(keywordsOfMessages(source, present));
  const sources: number[] = [];
  const files: UncommittedFile[] = [];
  for (const uid of present) {
    const row = source.rowOf(uid);
    if (row < 0) continue;
    const file = targetFile(source, row, target, names);
    // Ours, on its way to a commit: a disk scan of the target must not number it too.
    target.expectIncoming(file.base);
    // A flag change may rename the source between lookup and link: look it up again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = source.rowOf(uid);
      if (current < 0) break;
      try {
        await target.ownChange(() => link(source.filePath(current), join(target.path, 'cur', file.fileName)));
        sources.push(uid);
        files.push(file);
        break;
      } catch (error) {
        if (!isMissing(error)) {
          target.dropIncoming(file.base);
          throw error;
        }
      }
    }
    if (!files.includes(file)) target.dropIncoming(file.base);
  }
  return commitTransfers(target, sources, files);
}

/** Moves messages into `target` (gone from `source` at once); resolves once durable. */
export async function moveMessages(
  source: FolderStore,
  target: FolderStore,
  uids: readonly number[],
  names: MessageBaseGenerator,
): Promise<TransferMap> {
  await target.ensureKeywords(keywordsOfMessages(source, uids));
  const { sources, files, dirs } = await source.lane.run(async () => {
    const sources: number[] = [];
    const files: UncommittedFile[] = [];
    const dirs = new Set<string>();
    for (const uid of uids) {
      const row = source.rowOf(uid);
      if (row < 0) continue;
      const file = targetFile(source, row, target, names);
      const subdir = source.table.subdir(row);
      target.expectIncoming(file.base);
      try {
        const from = source.filePath(row);
        await source.ownChange(() =>
          target.ownChange(() => rename(from, join(target.path, 'cur', file.fileName))),
        );
      } catch (error) {
        target.dropIncoming(file.base);
        if (isMissing(error)) continue;
        throw error;
      }
      dirs.add(subdir);
      sources.push(uid);
      files.push(file);
    }
    if (sources.length > 0) source.forget(sources, await source.modseqs.next());
    await source.saveModseqs();
    return { sources, files, dirs };
  });
  const map = await commitTransfers(target, sources, files);
  await Promise.all([...dirs].map((d) => fsyncDirectory(join(source.path, d))));
  return map;
}
