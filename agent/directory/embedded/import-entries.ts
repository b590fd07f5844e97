/**
 * Offline import into an embedded directory's data directory (like slapadd): entries are checked
 * against the schema, cleartext passwords hashed, and the result written as one snapshot, with
 * no journal traffic. The directory must not be running on that data directory meanwhile.
 */
import { mkdir } from 'node:fs/promises';
import type { DirectoryEntry } from '../../common/directory/directory-entry.js';
import { loadDirectorySchema } from '../schema/shipped-schema.js';
import { DirectoryDatabase } from './directory-database.js';
import { validateEntry } from './entry-validation.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import { parseEntryDn, toStoredEntry } from './stored-entry.js';
import { hashPasswords } from './write-operations.js';

/** Options of {@link importDirectoryEntries}. */
export interface ImportOptions {
  /** Where the .schema files are (default: the shipped build/ldap). */
  schemaDir?: string;
  /** Replace an entry that already exists instead of failing (default false). */
  replace?: boolean;
}

/**
 * Adds entries to the data directory of an embedded directory that is not running. Parents must
 * come before their children (in `entries` or already in the directory). Existing data is kept.
 * Throws with the DN of the first bad entry.
 */
export async function importDirectoryEntries(
  dataDir: string,
  baseDn: string,
  entries: Iterable<DirectoryEntry>,
  options: ImportOptions = {},
): Promise<{ imported: number }> {
  const schema = await loadDirectorySchema(options.schemaDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const database = new DirectoryDatabase({ dataDir, baseDn, schema });
  await database.open();
  const suffixKey = parseEntryDn(schema, baseDn).key;
  let imported = 0;
  try {
    for (const plain of entries) {
      try {
        const entry = toStoredEntry(schema, plain);
        if (database.entries.has(entry.key) && !options.replace) {
          throw new LdapResultError(resultCodes.entryAlreadyExists, 'the entry already exists');
        }
        if (
          entry.key !== suffixKey &&
          (entry.parentKey === undefined || !database.entries.has(entry.parentKey))
        ) {
          throw new LdapResultError(
            resultCodes.noSuchObject,
            'its parent is not in the directory (parents must come first)',
          );
        }
        hashPasswords(entry);
        validateEntry(schema, entry);
        database.entries.put(entry);
        imported++;
      } catch (error) {
        throw new Error(`cannot import ${plain.dn}: ${(error as Error).message}`);
      }
    }
    await database.compact();
  } finally {
    await database.close();
  }
  return { imported };
}
