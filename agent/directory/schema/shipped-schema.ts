/**
 * Where the shipped schema files are and how to load them: build/ldap/*.schema (ours) plus the
 * standard files under build/ldap/standard/ (copied from OpenLDAP so the embedded directory does
 * not need slapd installed).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirectorySchema } from './directory-schema.js';
import { parseSchemaText, type SchemaDefinition } from './schema-text.js';

/** The standard files, in load order (later files use names from earlier ones). */
export const standardSchemaFiles = [
  'standard/slapd-builtin.schema',
  'standard/core.schema',
  'standard/cosine.schema',
  'standard/inetorgperson.schema',
  'standard/misc.schema',
] as const;

/** Our files, in load order. These are what an OpenLDAP site loads besides its standard schema. */
export const mailfleetSchemaFiles = ['openssh-lpk.schema', 'mailfleet.schema'] as const;

/**
 * Finds build/ldap by walking up from this module (works from the source tree and from dist/).
 * Throws if it is not there.
 */
export function shippedSchemaDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'build', 'ldap');
    if (existsSync(join(candidate, 'mailfleet.schema'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error('cannot find build/ldap/mailfleet.schema above the mailfleet installation');
}

/** Reads and parses the named schema files from a directory. */
export async function readSchemaDefinitions(
  schemaDir: string,
  files: readonly string[],
): Promise<SchemaDefinition[]> {
  const all: SchemaDefinition[] = [];
  for (const file of files) {
    const text = await readFile(join(schemaDir, file), 'utf8');
    all.push(...parseSchemaText(text, file));
  }
  return all;
}

/** Loads the standard and mailfleet schema files into a {@link DirectorySchema}. */
export async function loadDirectorySchema(schemaDir = shippedSchemaDir()): Promise<DirectorySchema> {
  return new DirectorySchema(
    await readSchemaDefinitions(schemaDir, [...standardSchemaFiles, ...mailfleetSchemaFiles]),
  );
}
