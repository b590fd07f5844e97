/**
 * Driver-independent mailbox operations on MailStorage: a mailbox's folder figures
 * (mailbox.stats), and export/import as a stream of folder and message records (mailbox moves).
 */
import type { MailboxDetail, MailboxImportSummary, MailboxRecord } from './mail-stack.js';
import { type MailStorage, MailStorageError, type UserMailbox } from './mail-storage.js';

/** Folders with message counts, unseen counts and sizes, and the quota. */
export async function mailboxDetail(
  storage: MailStorage,
  user: string,
  quotaBytes: number,
): Promise<MailboxDetail> {
  const summary = (await storage.listMailboxes()).find((mailbox) => mailbox.user === user);
  if (!summary) {
    // Not created yet: answering must not create it (mailboxes appear on first delivery or login).
    return { user, exists: false, folders: [], quota: { usedBytes: 0, messages: 0, limitBytes: quotaBytes } };
  }
  const mailbox = await storage.mailbox(user, quotaBytes);
  const folders = [];
  for (const folder of await mailbox.listFolders()) {
    const status = await mailbox.folderStatus(folder.name);
    const view = await mailbox.openFolder(folder.name);
    try {
      const sizeBytes = view.messages().reduce((sum, message) => sum + message.size, 0);
      folders.push({ name: folder.name, messages: status.messages, unseen: status.unseen, sizeBytes });
    } finally {
      view.close();
    }
  }
  const detail: MailboxDetail = { user, exists: true, folders, quota: await mailbox.quota() };
  if (summary.lastLoginAt !== undefined) detail.lastLoginAt = summary.lastLoginAt;
  return detail;
}

/** Every folder (parents first), then every message with its flags and date. */
export async function* exportMailbox(mailbox: UserMailbox): AsyncGenerator<MailboxRecord> {
  const folders = (await mailbox.listFolders()).sort((a, b) => depth(a.name) - depth(b.name));
  for (const folder of folders) {
    yield {
      kind: 'folder',
      name: folder.name,
      subscribed: folder.subscribed,
      ...(folder.specialUse ? { specialUse: folder.specialUse } : {}),
    };
  }
  for (const folder of folders) {
    const view = await mailbox.openFolder(folder.name);
    try {
      for (const message of view.messages()) {
        yield {
          kind: 'message',
          folder: folder.name,
          flags: [...message.flags],
          internalDate: message.internalDate.getTime(),
          data: await view.read(message.uid),
        };
      }
    } finally {
      view.close();
    }
  }
}

/** Adds exported records to a mailbox; existing folders are kept, messages are appended. */
export async function importMailbox(
  mailbox: UserMailbox,
  records: AsyncIterable<MailboxRecord>,
): Promise<MailboxImportSummary> {
  const summary: MailboxImportSummary = { folders: 0, messages: 0, bytes: 0 };
  for await (const record of records) {
    if (record.kind === 'folder') {
      if (record.name.toUpperCase() !== 'INBOX') {
        try {
          // A special use given at CREATE moves with the folder (the default folders exist already).
          await mailbox.createFolder(
            record.name,
            record.specialUse ? { specialUse: record.specialUse } : undefined,
          );
        } catch (error) {
          if (!(error instanceof MailStorageError && error.code === 'folder-exists')) throw error;
        }
      }
      await mailbox.setSubscribed(record.name, record.subscribed);
      summary.folders += 1;
    } else {
      await mailbox.append(record.folder, record.data, {
        flags: record.flags,
        internalDate: new Date(record.internalDate),
      });
      summary.messages += 1;
      summary.bytes += record.data.length;
    }
  }
  return summary;
}

function depth(name: string): number {
  return name.split('.').length;
}
