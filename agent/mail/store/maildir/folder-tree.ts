/**
 * The folder tree of a mailbox: list, create (with missing parents, as RFC 3501 suggests), delete
 * (refused for INBOX and for folders with children), rename (children follow; renaming INBOX moves
 * its messages, RFC 3501 6.3.5), subscriptions. Runs in the mailbox's structure lane.
 */
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fsyncDirectory } from '../../../common/durable-fs.js';
import { type FolderInfo, MailStorageError, specialUseFolders } from '../mail-storage.js';
import {
  folderDirectoryName,
  folderNameOfDirectory,
  folderSeparator,
  normaliseFolderName,
  parentFolderNames,
} from './folder-names.js';
import { moveMessages } from './folder-transfer.js';
import { createFolderDirectory, type MailboxState } from './mailbox-state.js';
import { saveSpecialUses, specialUsesOf } from './special-use-file.js';

/** Every folder name on disk, INBOX first, then in name order. */
export async function folderNames(state: MailboxState): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(state.maildir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const name = folderNameOfDirectory(entry.name);
    if (name !== undefined) names.push(name);
  }
  return ['INBOX', ...names.sort()];
}

/** LIST: every folder with its special use (given at CREATE, else by name) and subscription. */
export async function listFolders(state: MailboxState): Promise<FolderInfo[]> {
  const given = await specialUsesOf(state);
  return (await folderNames(state)).map((name) => {
    const info: FolderInfo = { name, subscribed: state.subscriptions.has(name) };
    const use = given.get(name) ?? specialUseFolders.find((f) => f.name === name)?.use;
    if (use) info.specialUse = use;
    return info;
  });
}

/** CREATE: the folder and any missing parents; 'folder-exists' if it is already there. */
export async function createFolder(state: MailboxState, name: string, specialUse?: string): Promise<void> {
  const normalised = normaliseFolderName(name);
  await state.structure.run(async () => {
    if (normalised === 'INBOX') throw new MailStorageError('folder-exists', 'INBOX always exists');
    for (const parent of parentFolderNames(normalised)) {
      if (parent !== 'INBOX') await createFolderDirectory(state.maildir, parent);
    }
    if (!(await createFolderDirectory(state.maildir, normalised))) {
      throw new MailStorageError('folder-exists', `folder ${normalised} already exists`);
    }
    await fsyncDirectory(state.maildir);
    const uses = await specialUsesOf(state);
    if (specialUse !== undefined || uses.delete(normalised)) {
      if (specialUse !== undefined) uses.set(normalised, specialUse);
      await saveSpecialUses(state, uses);
    }
  });
  state.notify(normalised);
}

/** DELETE: removes the folder and its messages (durably out of sight first, then the files); subscriptions stay. */
export async function deleteFolder(state: MailboxState, name: string): Promise<void> {
  const normalised = normaliseFolderName(name);
  await state.structure.run(async () => {
    if (normalised === 'INBOX') throw new MailStorageError('bad-folder-name', 'INBOX cannot be deleted');
    const all = await folderNames(state);
    if (!all.includes(normalised)) throw new MailStorageError('no-such-folder', `no folder ${normalised}`);
    if (all.some((other) => other.startsWith(`${normalised}${folderSeparator}`))) {
      throw new MailStorageError('has-children', `folder ${normalised} has subfolders: delete them first`);
    }
    const store = await state.folder(normalised).catch(() => undefined);
    // Out of sight in one atomic rename (into the Maildir's own tmp/), then removed at leisure.
    const graveyard = join(
      state.maildir,
      'tmp',
      `deleted-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    );
    if (store) await store.lane.run(async () => store.markDeleted());
    await rename(join(state.maildir, folderDirectoryName(normalised)), graveyard);
    await fsyncDirectory(state.maildir);
    state.forgetFolder(normalised);
    const uses = await specialUsesOf(state);
    if (uses.delete(normalised)) await saveSpecialUses(state, uses);
    // The subscription stays: a server must not drop one on its own (RFC 3501 6.3.6), as Dovecot.
    await rm(graveyard, { recursive: true, force: true });
    await state.quota.recompute();
  });
  state.notify(normalised);
}

/** RENAME: the folder and its children keep their messages, UIDs and UIDVALIDITY. */
export async function renameFolder(state: MailboxState, from: string, to: string): Promise<void> {
  const source = normaliseFolderName(from);
  const target = normaliseFolderName(to);
  if (source === 'INBOX') return renameInbox(state, target);
  await state.structure.run(async () => {
    const all = await folderNames(state);
    if (!all.includes(source)) throw new MailStorageError('no-such-folder', `no folder ${source}`);
    if (target === 'INBOX' || all.includes(target))
      throw new MailStorageError('folder-exists', `folder ${target} already exists`);
    if (target.startsWith(`${source}${folderSeparator}`)) {
      throw new MailStorageError('bad-folder-name', `cannot rename ${source} into its own subfolder`);
    }
    for (const parent of parentFolderNames(target)) {
      if (parent !== 'INBOX') await createFolderDirectory(state.maildir, parent);
    }
    const moving = all.filter((n) => n === source || n.startsWith(`${source}${folderSeparator}`));
    for (const old of moving) {
      const renamed = target + old.slice(source.length);
      const newPath = join(state.maildir, folderDirectoryName(renamed));
      await rename(join(state.maildir, folderDirectoryName(old)), newPath);
      await state.relocateFolder(old, renamed, newPath);
      if (state.subscriptions.delete(old)) state.subscriptions.add(renamed);
    }
    await fsyncDirectory(state.maildir);
    await state.saveSubscriptions();
    await moveSpecialUses(state, moving, source, target);
  });
  state.notify(source);
  state.notify(target);
}

/** A special use given at CREATE follows its folder (and those of its children) on RENAME. */
async function moveSpecialUses(
  state: MailboxState,
  moving: string[],
  source: string,
  target: string,
): Promise<void> {
  const uses = await specialUsesOf(state);
  let changed = false;
  for (const old of moving) {
    const attributes = uses.get(old);
    if (attributes === undefined) continue;
    uses.delete(old);
    uses.set(target + old.slice(source.length), attributes);
    changed = true;
  }
  if (changed) await saveSpecialUses(state, uses);
}

async function renameInbox(state: MailboxState, target: string): Promise<void> {
  await createFolder(state, target);
  const inbox = await state.folder('INBOX');
  const destination = await state.folder(target);
  await moveMessages(
    inbox,
    destination,
    Array.from(inbox.table.uidArray.subarray(0, inbox.count)),
    state.context.names,
  );
  state.notify('INBOX');
}

/** SUBSCRIBE / UNSUBSCRIBE (a name need not exist, as RFC 3501 allows). */
export async function setSubscribed(state: MailboxState, name: string, subscribed: boolean): Promise<void> {
  const normalised = normaliseFolderName(name);
  await state.structure.run(async () => {
    if (subscribed) state.subscriptions.add(normalised);
    else state.subscriptions.delete(normalised);
    await state.saveSubscriptions();
  });
  // No session shows subscriptions, but replication copies them.
  state.context.changeFeed()?.changed(state.user, normalised);
}
