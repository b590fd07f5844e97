/** Recovery of the embedded directory's data: journal replay, a torn last record, compaction. */
import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import {
  directoryBaseEntries,
  mailDomainEntry,
  mailUserEntry,
} from '../../../../agent/common/directory/seed-entries.js';
import { DirectoryDatabase } from '../../../../agent/directory/embedded/directory-database.js';
import { toStoredEntry } from '../../../../agent/directory/embedded/stored-entry.js';
import type { DirectorySchema } from '../../../../agent/directory/schema/directory-schema.js';
import { loadDirectorySchema } from '../../../../agent/directory/schema/shipped-schema.js';

const baseDn = 'dc=recovery,dc=test';
const tree = new FleetTree(baseDn);
let schema: DirectorySchema;
let dataDir: string;

async function openDatabase(compactAfterBytes?: number): Promise<DirectoryDatabase> {
  const database = new DirectoryDatabase({
    dataDir,
    baseDn,
    schema,
    ...(compactAfterBytes ? { compactAfterBytes } : {}),
  });
  await database.open();
  return database;
}

async function commitUsers(database: DirectoryDatabase, from: number, count: number): Promise<void> {
  const commits: Promise<void>[] = [];
  for (let i = from; i < from + count; i++) {
    const user = mailUserEntry(tree, { mail: `u${i}@d.example`, displayName: `U ${i}`, mailHost: 'store01' });
    commits.push(database.commit([{ put: toStoredEntry(schema, user) }]));
  }
  await Promise.all(commits);
}

describe('directory database recovery', () => {
  beforeAll(async () => {
    schema = await loadDirectorySchema();
  });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mailfleet-db-'));
    const database = await openDatabase();
    const setup = [...directoryBaseEntries(tree), mailDomainEntry(tree, { name: 'd.example' })];
    for (const entry of setup) await database.commit([{ put: toStoredEntry(schema, entry) }]);
    await database.close();
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('replays the journal after a restart without a clean shutdown', async () => {
    const database = await openDatabase();
    await commitUsers(database, 0, 50);
    // No close(): the journal is all there is, as after a crash.
    const recovered = await openDatabase();
    expect(recovered.entries.size).toBe(6 + 50);
    await recovered.close();
    await database.close();
  });

  it('ignores a torn or corrupt last record', async () => {
    const database = await openDatabase();
    await commitUsers(database, 0, 10);
    await database.close();
    const [journal] = (await readdir(dataDir)).filter((f) => f.startsWith('journal-'));
    // A header promising 200 bytes followed by only 5: what a kill in the middle of a write leaves.
    const torn = Buffer.alloc(13);
    torn.writeUInt32BE(200, 0);
    torn.writeUInt32BE(12345, 4);
    await appendFile(join(dataDir, journal as string), torn);
    const recovered = await openDatabase();
    expect(recovered.entries.size).toBe(6 + 10);
    await commitUsers(recovered, 10, 1);
    await recovered.close();
    const again = await openDatabase();
    expect(again.entries.size).toBe(6 + 11);
    await again.close();
  });

  it('compacts a growing journal into the snapshot and still recovers everything', async () => {
    const database = await openDatabase(16 * 1024);
    for (let batch = 0; batch < 10; batch++) await commitUsers(database, batch * 40, 40);
    await database.close();
    const journals = (await readdir(dataDir)).filter((f) => f.startsWith('journal-'));
    expect(journals.length).toBeLessThanOrEqual(2);
    const recovered = await openDatabase();
    expect(recovered.entries.size).toBe(6 + 400);
    await recovered.close();
  });
});
