/**
 * Search filters in the embedded directory: converted from ldapjs' parsed filter objects (read as
 * `unknown`), evaluated with LDAP's three-valued logic (an attribute without the needed matching
 * rule, or userPassword, makes a filter Undefined, never true), and planned against the equality
 * indexes so a lookup by mail does not scan 40,000 entries.
 */
import { z } from 'zod';
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import type { StoredEntry } from './stored-entry.js';

/** A search filter (RFC 4511 section 4.5.1.7). */
export type SearchFilter =
  | { kind: 'and' | 'or'; filters: SearchFilter[] }
  | { kind: 'not'; filter: SearchFilter }
  | { kind: 'equal' | 'approx' | 'greaterOrEqual' | 'lessOrEqual'; attribute: string; value: string }
  | { kind: 'present'; attribute: string }
  | { kind: 'substring'; attribute: string; initial?: string; any: string[]; final?: string }
  | { kind: 'unsupported' };

const assertion = z.object({ attribute: z.string(), value: z.string() });
const substring = z.object({
  attribute: z.string(),
  initial: z.string().optional().nullable(),
  any: z.array(z.string()).default([]),
  final: z.string().optional().nullable(),
});

/** Converts an ldapjs filter object (unknown) into a {@link SearchFilter}. */
export function filterFromLdapjs(input: unknown, depth = 0): SearchFilter {
  if (depth > 64) throw new LdapResultError(resultCodes.protocolError, 'the filter is nested too deeply');
  const { type } = z.object({ type: z.string() }).parse(input);
  const record = input as Record<string, unknown>;
  switch (type) {
    case 'AndFilter':
    case 'OrFilter':
      return {
        kind: type === 'AndFilter' ? 'and' : 'or',
        filters: z
          .array(z.unknown())
          .parse(record.filters)
          .map((f) => filterFromLdapjs(f, depth + 1)),
      };
    case 'NotFilter':
      return { kind: 'not', filter: filterFromLdapjs(record.filter, depth + 1) };
    case 'EqualityFilter':
      return { kind: 'equal', ...assertion.parse({ attribute: record.attribute, value: record.value }) };
    case 'ApproximateFilter':
      return { kind: 'approx', ...assertion.parse({ attribute: record.attribute, value: record.value }) };
    case 'GreaterThanEqualsFilter':
      return {
        kind: 'greaterOrEqual',
        ...assertion.parse({ attribute: record.attribute, value: record.value }),
      };
    case 'LessThanEqualsFilter':
      return {
        kind: 'lessOrEqual',
        ...assertion.parse({ attribute: record.attribute, value: record.value }),
      };
    case 'PresenceFilter':
      return { kind: 'present', attribute: z.string().parse(record.attribute) };
    case 'SubstringFilter': {
      const parsed = substring.parse({
        attribute: record.attribute,
        initial: record.initial,
        any: record.any,
        final: record.final,
      });
      const filter: SearchFilter = { kind: 'substring', attribute: parsed.attribute, any: parsed.any };
      if (parsed.initial) filter.initial = parsed.initial;
      if (parsed.final) filter.final = parsed.final;
      return filter;
    }
    default:
      return { kind: 'unsupported' };
  }
}

type Truth = true | false | undefined;

/** Evaluates filters against stored entries. */
export class FilterEvaluator {
  constructor(private readonly schema: DirectorySchema) {}

  /** Whether the entry matches (Undefined counts as no match). */
  matches(filter: SearchFilter, entry: StoredEntry): boolean {
    return this.evaluate(filter, entry) === true;
  }

  private evaluate(filter: SearchFilter, entry: StoredEntry): Truth {
    switch (filter.kind) {
      case 'and': {
        let result: Truth = true;
        for (const f of filter.filters) {
          const r = this.evaluate(f, entry);
          if (r === false) return false;
          if (r === undefined) result = undefined;
        }
        return result;
      }
      case 'or': {
        let result: Truth = false;
        for (const f of filter.filters) {
          const r = this.evaluate(f, entry);
          if (r === true) return true;
          if (r === undefined) result = undefined;
        }
        return result;
      }
      case 'not': {
        const r = this.evaluate(filter.filter, entry);
        return r === undefined ? undefined : !r;
      }
      case 'present': {
        const key = this.searchableKey(filter.attribute);
        return key === undefined ? false : entry.attributes.has(key);
      }
      case 'unsupported':
        return undefined;
      default:
        return this.compareValues(filter, entry);
    }
  }

  private compareValues(
    filter: Extract<
      SearchFilter,
      { kind: 'equal' | 'approx' | 'greaterOrEqual' | 'lessOrEqual' | 'substring' }
    >,
    entry: StoredEntry,
  ): Truth {
    const key = this.searchableKey(filter.attribute);
    const type = key === undefined ? undefined : this.schema.attributeType(key);
    if (key === undefined || !type) return undefined;
    const values = entry.attributes.get(key)?.values ?? [];
    if (filter.kind === 'substring') {
      if (!type.substr) return undefined;
      const norm = (v: string) => this.schema.substringKey(type, v) ?? v;
      return values.some((v) => substringMatches(norm(v), filter, norm));
    }
    if (filter.kind === 'greaterOrEqual' || filter.kind === 'lessOrEqual') {
      if (!type.ordering) return undefined;
      return values.some((v) => {
        const c = this.schema.compareOrdering(type, v, filter.value);
        return c !== undefined && (filter.kind === 'greaterOrEqual' ? c >= 0 : c <= 0);
      });
    }
    const wanted = this.schema.equalityKey(type, filter.value);
    if (wanted === undefined) return undefined;
    if (key === 'objectclass') {
      const accepted = new Set(this.schema.classAndSubclasses(filter.value));
      return values.some((v) =>
        accepted.has(this.schema.objectClass(v)?.name.toLowerCase() ?? v.toLowerCase()),
      );
    }
    return values.some((v) => this.schema.equalityKey(type, v) === wanted);
  }

  /** The attribute's key if filters may test it; userPassword may only be tested by a bind. */
  private searchableKey(attribute: string): string | undefined {
    const key = this.schema.attributeKey(attribute.split(';')[0] ?? attribute);
    return key === 'userpassword' ? undefined : key;
  }
}

function substringMatches(
  value: string,
  filter: { initial?: string; any: string[]; final?: string },
  norm: (v: string) => string,
): boolean {
  let position = 0;
  if (filter.initial !== undefined) {
    const initial = norm(filter.initial);
    if (!value.startsWith(initial)) return false;
    position = initial.length;
  }
  for (const piece of filter.any) {
    const found = value.indexOf(norm(piece), position);
    if (found < 0) return false;
    position = found + norm(piece).length;
  }
  if (filter.final !== undefined) {
    const final = norm(filter.final);
    return value.length - final.length >= position && value.endsWith(final);
  }
  return true;
}

/**
 * Keys of the entries that can match, from the equality indexes, or undefined when the filter
 * gives no index to use (the caller then walks the search scope).
 */
export function indexCandidates(
  filter: SearchFilter,
  schema: DirectorySchema,
  entries: EntryIndex,
): ReadonlySet<string> | undefined {
  switch (filter.kind) {
    case 'equal': {
      const key = schema.attributeKey(filter.attribute);
      const type = key === undefined ? undefined : schema.attributeType(key);
      if (key === undefined || !type || !entries.isIndexed(key)) return undefined;
      if (key === 'objectclass') {
        const union = new Set<string>();
        for (const name of schema.classAndSubclasses(filter.value)) {
          for (const k of entries.lookup(key, name)) union.add(k);
        }
        return union;
      }
      const wanted = schema.equalityKey(type, filter.value);
      return wanted === undefined ? undefined : entries.lookup(key, wanted);
    }
    case 'and': {
      let best: ReadonlySet<string> | undefined;
      for (const f of filter.filters) {
        const c = indexCandidates(f, schema, entries);
        if (c && (!best || c.size < best.size)) best = c;
      }
      return best;
    }
    case 'or': {
      const union = new Set<string>();
      for (const f of filter.filters) {
        const c = indexCandidates(f, schema, entries);
        if (!c) return undefined;
        for (const k of c) union.add(k);
      }
      return union;
    }
    default:
      return undefined;
  }
}
