/**
 * Entries as the embedded directory keeps them: attribute names resolved to the schema's
 * spelling, keyed by lower-case canonical name, and the normalized DN used as the entry's key.
 */
import type { DirectoryEntry } from '../../common/directory/directory-entry.js';
import { parseDn, type Rdn } from '../../common/directory/distinguished-name.js';
import type { DirectorySchema } from '../schema/directory-schema.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';

/** One attribute of a stored entry. */
export interface StoredAttribute {
  /** The schema's spelling (`mailLocalAddress`). */
  name: string;
  values: string[];
}

/** An entry in the embedded directory. Treated as immutable: a change builds a new one. */
export interface StoredEntry {
  /** The DN as it was written (for display and for answers). */
  dn: string;
  /** The normalized DN, the entry's identity. */
  key: string;
  /** Normalized DN of the parent; undefined for the suffix entry. */
  parentKey: string | undefined;
  rdn: Rdn;
  /** By lower-case canonical attribute name. */
  attributes: Map<string, StoredAttribute>;
}

/** Parses and normalizes a DN, answering invalidDnSyntax (34) for a malformed one. */
export function parseEntryDn(
  schema: DirectorySchema,
  dn: string,
): { rdns: Rdn[]; key: string; parentKey: string } {
  let rdns: Rdn[];
  try {
    rdns = parseDn(dn);
  } catch (error) {
    throw new LdapResultError(resultCodes.invalidDnSyntax, (error as Error).message);
  }
  const normalized = schema.normalizeRdns(rdns);
  const key = normalizedKey(normalized);
  const parentKey = normalizedKey(normalized.slice(1));
  return { rdns, key, parentKey };
}

function normalizedKey(rdns: Rdn[]): string {
  return rdns.map((rdn) => rdn.map((p) => `${p.type}=${encodeKeyValue(p.value)}`).join('+')).join(',');
}

// Keys only need to be unambiguous, not pretty: escape the separators and the escape character.
function encodeKeyValue(value: string): string {
  return value.replace(/[\\,+=]/g, (c) => `\\${c}`);
}

/**
 * Builds a stored entry from plain data: attribute names resolved through the schema (unknown
 * ones answer undefinedAttributeType), duplicate names merged, empty value lists dropped.
 */
export function toStoredEntry(schema: DirectorySchema, entry: DirectoryEntry): StoredEntry {
  const { rdns, key, parentKey } = parseEntryDn(schema, entry.dn);
  const attributes = new Map<string, StoredAttribute>();
  for (const [name, values] of Object.entries(entry.attributes)) {
    const type = schema.attributeType(name);
    if (!type) {
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${name}' is not defined`,
      );
    }
    if (values.length === 0) continue;
    const existing = attributes.get(type.name.toLowerCase());
    if (existing) existing.values.push(...values);
    else attributes.set(type.name.toLowerCase(), { name: type.name, values: [...values] });
  }
  return {
    dn: entry.dn,
    key,
    parentKey: rdns.length > 0 ? parentKey : undefined,
    rdn: rdns[0] ?? [],
    attributes,
  };
}

/** The plain-data form of a stored entry. */
export function toDirectoryEntry(entry: StoredEntry): DirectoryEntry {
  const attributes: Record<string, string[]> = {};
  for (const attribute of entry.attributes.values()) attributes[attribute.name] = [...attribute.values];
  return { dn: entry.dn, attributes };
}

/** The values of an attribute by lower-case canonical name; empty when absent. */
export function valuesOf(entry: StoredEntry, key: string): string[] {
  return entry.attributes.get(key)?.values ?? [];
}
