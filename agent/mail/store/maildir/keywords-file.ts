/** A folder's `dovecot-keywords` file (keyword letters), read leniently and replaced atomically. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';
import { KeywordTable } from './keyword-table.js';

/** The file name Dovecot uses. */
export const keywordsFileName = 'dovecot-keywords';

/** The folder's keyword table (empty when the file does not exist). */
export async function readKeywordTable(folderPath: string): Promise<KeywordTable> {
  try {
    return KeywordTable.parse(await readFile(join(folderPath, keywordsFileName), 'utf8'));
  } catch (error) {
    if (isMissing(error)) return new KeywordTable();
    throw error;
  }
}

/** Writes the table durably (before any file name uses a new letter). */
export async function writeKeywordTable(folderPath: string, table: KeywordTable): Promise<void> {
  await replaceFileAtomically(join(folderPath, keywordsFileName), table.format());
}
