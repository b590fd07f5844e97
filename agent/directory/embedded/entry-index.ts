/**
 * The embedded directory's entries in memory: by normalized DN, by parent (for one-level and
 * subtree scopes) and by equality value of the attributes users are looked up by, so finding a
 * user by mail among 40,000 is a Map lookup.
 */
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { StoredEntry } from './stored-entry.js';

/** Attributes with an equality index (lower-case canonical names). */
export const indexedAttributes = [
  'objectclass',
  'uid',
  'cn',
  'mail',
  'maillocaladdress',
  'mailhost',
  'mailroutingaddress',
  'mailfleetforwardto',
  'member',
] as const;

/** All entries, with the parent and equality indexes kept in step. */
export class EntryIndex {
  private readonly entries = new Map<string, StoredEntry>();
  private readonly childrenByParent = new Map<string, Set<string>>();
  private readonly byValue = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly schema: DirectorySchema) {
    for (const name of indexedAttributes) this.byValue.set(name, new Map());
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): StoredEntry | undefined {
    return this.entries.get(key);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Entries in an order where every parent comes before its children. */
  values(): IterableIterator<StoredEntry> {
    return this.entries.values();
  }

  /** Keys of the direct children of an entry. */
  children(key: string): ReadonlySet<string> {
    return this.childrenByParent.get(key) ?? emptySet;
  }

  /** Adds or replaces an entry (same key). */
  put(entry: StoredEntry): void {
    const previous = this.entries.get(entry.key);
    if (previous) this.unindex(previous);
    this.entries.set(entry.key, entry);
    if (entry.parentKey !== undefined) {
      let siblings = this.childrenByParent.get(entry.parentKey);
      if (!siblings) {
        siblings = new Set();
        this.childrenByParent.set(entry.parentKey, siblings);
      }
      siblings.add(entry.key);
    }
    this.indexValues(entry, (set, key) => set.add(key));
  }

  /** Removes an entry (its children must be gone already). */
  remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.unindex(entry);
    this.entries.delete(key);
    if (entry.parentKey !== undefined) this.childrenByParent.get(entry.parentKey)?.delete(key);
    this.childrenByParent.delete(key);
  }

  /** Whether an attribute (lower-case canonical name) has an equality index. */
  isIndexed(attribute: string): boolean {
    return this.byValue.has(attribute);
  }

  /** Keys of entries whose attribute has a value equal (after normalization) to `normalizedValue`. */
  lookup(attribute: string, normalizedValue: string): ReadonlySet<string> {
    return this.byValue.get(attribute)?.get(normalizedValue) ?? emptySet;
  }

  private unindex(entry: StoredEntry): void {
    this.indexValues(entry, (set, key) => set.delete(key));
  }

  private indexValues(entry: StoredEntry, change: (set: Set<string>, key: string) => void): void {
    for (const [name, index] of this.byValue) {
      const attribute = entry.attributes.get(name);
      if (!attribute) continue;
      const type = this.schema.attributeType(name);
      if (!type) continue;
      for (const value of attribute.values) {
        const normalized = this.schema.equalityKey(type, value) ?? value;
        let set = index.get(normalized);
        if (!set) {
          set = new Set();
          index.set(normalized, set);
        }
        change(set, entry.key);
        if (set.size === 0) index.delete(normalized);
      }
    }
  }
}

const emptySet: ReadonlySet<string> = new Set();
