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
import type { FolderStore, StoredMessage, UncommittedFile } from './folder-store.js';
import { formatMessageFileName, type MessageBaseGenerator } from './message-file-name.js';

/** Source UID -> target UID for what was copied or moved. */
export type TransferMap = Map<number, number>;

function targetFile(
  target: FolderStore,
  message: StoredMessage,
  names: MessageBaseGenerator,
): UncommittedFile {
  const { size, internalDate, flags } = message.summary;
  const base = names.next(size);
  const letters = lettersOf(flags, target.keywords);
  return { base, subdir: 'cur', fileName: formatMessageFileName(base, letters), letters, size, internalDate };
}

async function commitTransfers(
  target: FolderStore,
  sources: number[],
  files: UncommittedFile[],
): Promise<TransferMap> {
  const uids = files.length > 0 ? await target.commit(files) : [];
  return new Map(sources.map((uid, i) => [uid, uids[i]!]));
}

/** Copies messages (those that still exist) into `target`; resolves once durable. */
export async function copyMessages(
  source: FolderStore,
  target: FolderStore,
  uids: readonly number[],
  names: MessageBaseGenerator,
): Promise<TransferMap> {
  const messages = uids.map((uid) => source.get(uid)).filter((m): m is StoredMessage => m !== undefined);
  await target.ensureKeywords(keywordsOf(messages.flatMap((m) => m.summary.flags)));
  const sources: number[] = [];
  const files: UncommittedFile[] = [];
  for (const message of messages) {
    const file = targetFile(target, message, names);
    // Ours, on its way to a commit: a disk scan of the target must not number it too.
    target.expectIncoming(file.base);
    // A flag change may rename the source between lookup and link: look it up again.
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = source.get(message.uid);
      if (!current) break;
      try {
        await target.ownChange(() => link(source.filePath(current), join(target.path, 'cur', file.fileName)));
        sources.push(message.uid);
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
  const messages = uids.map((uid) => source.get(uid)).filter((m): m is StoredMessage => m !== undefined);
  await target.ensureKeywords(keywordsOf(messages.flatMap((m) => m.summary.flags)));
  const { sources, files, dirs } = await source.lane.run(async () => {
    const sources: number[] = [];
    const files: UncommittedFile[] = [];
    const dirs = new Set<string>();
    for (const message of messages) {
      const current = source.get(message.uid);
      if (!current) continue;
      const file = targetFile(target, current, names);
      target.expectIncoming(file.base);
      try {
        const from = source.filePath(current);
        await source.ownChange(() =>
          target.ownChange(() => rename(from, join(target.path, 'cur', file.fileName))),
        );
      } catch (error) {
        target.dropIncoming(file.base);
        if (isMissing(error)) continue;
        throw error;
      }
      dirs.add(current.subdir);
      sources.push(current.uid);
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
