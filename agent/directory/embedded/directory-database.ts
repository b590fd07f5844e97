/**
 * The embedded directory's data: entries in memory (EntryIndex) made durable by the journal and
 * the snapshot. `open()` recovers (snapshot, then journal records after it; a torn last record is
 * ignored) and compacts; `commit()` applies a change in memory and resolves once its journal
 * record is fsynced. The journal is compacted into a new snapshot when it grows large.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { type DirectoryEntry, directoryEntrySchema } from '../../common/directory/directory-entry.js';
import type { DirectorySchema } from '../schema/directory-schema.js';
import { EntryIndex } from './entry-index.js';
import { JournalWriter, readJournal } from './journal.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { readSnapshot, writeSnapshot } from './snapshot.js';
import { parseEntryDn, type StoredEntry, toDirectoryEntry, toStoredEntry } from './stored-entry.js';

/** One change inside a commit: store an entry (new or replaced) or remove one. */
export type EntryChange = { put: StoredEntry } | { remove: StoredEntry };

const journalRecordSchema = z.object({
  sequence: z.number().int().positive(),
  changes: z.array(z.union([z.object({ put: directoryEntrySchema }), z.object({ remove: z.string() })])),
});

const journalNamePattern = /^journal-(\d{16})\.log$/;

/** Options of {@link DirectoryDatabase}. */
export interface DirectoryDatabaseOptions {
  dataDir: string;
  baseDn: string;
  schema: DirectorySchema;
  /** Compact the journal into a snapshot once it passes this size (default 64 MiB). */
  compactAfterBytes?: number;
}

/** Entries plus their durable storage. One instance per data directory. */
export class DirectoryDatabase {
  readonly entries: EntryIndex;
  private sequence = 0;
  private journal: JournalWriter | undefined;
  private compaction: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: DirectoryDatabaseOptions) {
    this.entries = new EntryIndex(options.schema);
  }

  /** Recovers the data directory and opens a fresh journal. */
  async open(): Promise<void> {
    const { dataDir, schema } = this.options;
    const snapshot = await readSnapshot(dataDir);
    for (const entry of snapshot?.entries ?? []) this.entries.put(toStoredEntry(schema, entry));
    this.sequence = snapshot?.sequence ?? 0;
    const journals = await journalFiles(dataDir);
    let replayed = 0;
    for (const file of journals) {
      const { records } = await readJournal(join(dataDir, file));
      // A torn record can only be the last one written before a crash; it was never acknowledged.
      for (const payload of records) {
        const record = journalRecordSchema.parse(JSON.parse(payload.toString('utf8')));
        if (record.sequence <= this.sequence) continue;
        for (const change of record.changes) {
          if ('put' in change) this.entries.put(toStoredEntry(schema, change.put));
          else this.entries.remove(parseEntryDn(schema, change.remove).key);
        }
        this.sequence = record.sequence;
        replayed++;
      }
    }
    if (replayed > 0 || journals.length > 0 || !snapshot) {
      await writeSnapshot(
        dataDir,
        { baseDn: this.options.baseDn, sequence: this.sequence },
        this.plainEntries(),
      );
      for (const file of journals) await rm(join(dataDir, file), { force: true });
    }
    this.journal = await JournalWriter.open(join(dataDir, journalName(this.sequence + 1)));
  }

  /**
   * Applies changes in memory at once (so later operations see them) and resolves when they are
   * durable. If the journal cannot be written the database refuses every later write: memory
   * may then hold a change the disk does not, and only a restart (recovery) makes them agree.
   */
  commit(changes: EntryChange[]): Promise<void> {
    const journal = this.journal;
    if (this.failure || !journal) {
      return Promise.reject(
        new LdapResultError(
          resultCodes.unavailable,
          `the directory cannot write to its journal${this.failure ? `: ${this.failure.message}` : ''}`,
        ),
      );
    }
    this.sequence++;
    const record = {
      sequence: this.sequence,
      changes: changes.map((c) => ('put' in c ? { put: toDirectoryEntry(c.put) } : { remove: c.remove.dn })),
    };
    for (const change of changes) {
      if ('put' in change) this.entries.put(change.put);
      else this.entries.remove(change.remove.key);
    }
    return journal.append(Buffer.from(JSON.stringify(record), 'utf8')).then(
      () => this.compactIfLarge(),
      (error: Error) => {
        this.failure = error;
        throw new LdapResultError(
          resultCodes.unavailable,
          `the directory could not make the change durable: ${error.message}`,
        );
      },
    );
  }

  /** Waits for pending writes and a running compaction, then closes the journal. */
  async close(): Promise<void> {
    while (this.compaction) await this.compaction;
    const journal = this.journal;
    this.journal = undefined;
    await journal?.close();
  }

  /**
   * Writes a snapshot of the current entries and drops the journals before it (offline import
   * uses this; a running server compacts by itself when the journal grows).
   */
  async compact(): Promise<void> {
    while (this.compaction) await this.compaction;
    const running = this.compactOnce();
    this.compaction = running;
    try {
      await running;
    } finally {
      this.compaction = undefined;
    }
  }

  private compactIfLarge(): void {
    const limit = this.options.compactAfterBytes ?? 64 * 1024 * 1024;
    if (this.compaction || !this.journal || this.journal.size < limit) return;
    this.compaction = this.compactOnce()
      .catch((error: Error) => {
        // A failed compaction loses nothing (the journal still has every record); it is retried later.
        process.stderr.write(`mailfleet directory: compaction failed: ${error.message}\n`);
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }

  private async compactOnce(): Promise<void> {
    const { dataDir, baseDn } = this.options;
    const next = await JournalWriter.open(join(dataDir, journalName(this.sequence + 1)));
    const previous = this.journal;
    // From here on commits go to the new journal; everything up to `sequence` is in the snapshot.
    this.journal = next;
    const sequence = this.sequence;
    const captured = [...this.entries.values()];
    await previous?.close();
    await writeSnapshot(dataDir, { baseDn, sequence }, captured.map(toDirectoryEntry));
    for (const file of await journalFiles(dataDir)) {
      if (join(dataDir, file) !== next.path) await rm(join(dataDir, file), { force: true });
    }
  }

  private *plainEntries(): Generator<DirectoryEntry> {
    for (const entry of this.entries.values()) yield toDirectoryEntry(entry);
  }
}

function journalName(firstSequence: number): string {
  return `journal-${String(firstSequence).padStart(16, '0')}.log`;
}

async function journalFiles(dataDir: string): Promise<string[]> {
  return (await readdir(dataDir)).filter((name) => journalNamePattern.test(name)).sort();
}
