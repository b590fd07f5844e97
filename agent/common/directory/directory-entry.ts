/**
 * A directory entry as plain data: its DN and its attributes with all values as strings. This is
 * what the seed helpers build, what the LDIF reader returns and what the embedded server imports.
 */
import { z } from 'zod';

/** An entry as plain data. Attribute names keep their case; values are never empty arrays. */
export interface DirectoryEntry {
  dn: string;
  attributes: Record<string, string[]>;
}

/** Schema for a {@link DirectoryEntry} arriving from outside (a file, another process). */
export const directoryEntrySchema = z.object({
  dn: z.string(),
  attributes: z.record(z.string(), z.array(z.string())),
});
