/**
 * The schema as the embedded directory enforces it: attribute types and object classes resolved
 * from the shipped `.schema` files (inheritance applied), with the value normalizers that
 * equality, substring and ordering matching use.
 */
import { formatDn, parseDn, type Rdn } from '../../common/directory/distinguished-name.js';
import { dnSyntaxOid, equalityNormalizer, isValidForSyntax, orderingCompare } from './matching-rules.js';
import type { AttributeTypeDefinition, ObjectClassDefinition, SchemaDefinition } from './schema-text.js';

/** An attribute type with inherited matching rules and syntax resolved. */
export interface AttributeType {
  oid: string;
  /** The first NAME: how the directory spells the attribute in entries it returns. */
  name: string;
  names: string[];
  equality?: string;
  ordering?: string;
  substr?: string;
  syntax?: string;
  singleValue: boolean;
  /** Operational attributes (USAGE other than userApplications) are not returned for `*`. */
  operational: boolean;
}

/** An object class with its superclasses' MUST and MAY attributes folded in (lower-case names). */
export interface ObjectClass {
  oid: string;
  name: string;
  kind: 'ABSTRACT' | 'STRUCTURAL' | 'AUXILIARY';
  /** Names of all superclasses, transitively, lower case. */
  superclasses: Set<string>;
  must: Set<string>;
  may: Set<string>;
}

/** The resolved schema. Lookups are by any NAME (any case) or by OID. */
export class DirectorySchema {
  private readonly attributes = new Map<string, AttributeType>();
  private readonly classes = new Map<string, ObjectClass>();

  /** Builds the schema from parsed definitions, in file order (later files may use earlier names). */
  constructor(definitions: SchemaDefinition[]) {
    const attributeDefs = definitions.filter((d): d is AttributeTypeDefinition => d.kind === 'attributetype');
    const byName = new Map<string, AttributeTypeDefinition>();
    for (const def of attributeDefs) {
      for (const key of [def.oid, ...def.names]) byName.set(key.toLowerCase(), def);
    }
    for (const def of attributeDefs) {
      const resolved = resolveAttribute(def, byName);
      for (const key of [def.oid, ...def.names]) this.attributes.set(key.toLowerCase(), resolved);
    }
    const classDefs = definitions.filter((d): d is ObjectClassDefinition => d.kind === 'objectclass');
    const classByName = new Map<string, ObjectClassDefinition>();
    for (const def of classDefs) {
      for (const key of [def.oid, ...def.names]) classByName.set(key.toLowerCase(), def);
    }
    for (const def of classDefs) {
      const resolved = this.resolveClass(def, classByName);
      for (const key of [def.oid, ...def.names]) this.classes.set(key.toLowerCase(), resolved);
    }
  }

  /** The attribute type named `name` (any case, any of its names, or its OID). */
  attributeType(name: string): AttributeType | undefined {
    return this.attributes.get(name.toLowerCase());
  }

  /** The object class named `name`. */
  objectClass(name: string): ObjectClass | undefined {
    return this.classes.get(name.toLowerCase());
  }

  /** The canonical lower-case name of an attribute (for map keys), or undefined if unknown. */
  attributeKey(name: string): string | undefined {
    return this.attributeType(name)?.name.toLowerCase();
  }

  /** The class and every class that has it as a superclass (lower-case names), for objectClass matching. */
  classAndSubclasses(name: string): string[] {
    const wanted = this.objectClass(name);
    if (!wanted) return [name.toLowerCase()];
    const lower = wanted.name.toLowerCase();
    const result = new Set<string>([lower]);
    for (const objectClass of this.classes.values()) {
      if (objectClass.superclasses.has(lower)) result.add(objectClass.name.toLowerCase());
    }
    return [...result];
  }

  /** A value normalized for equality matching under the type's EQUALITY rule, or undefined if it has none. */
  equalityKey(type: AttributeType, value: string): string | undefined {
    if (type.equality?.toLowerCase() === 'distinguishednamematch' || type.syntax === dnSyntaxOid) {
      try {
        return this.normalizeDn(value);
      } catch {
        return value;
      }
    }
    return equalityNormalizer(type.equality)?.(value);
  }

  /** A value normalized for substring matching, or undefined if the type has no SUBSTR rule. */
  substringKey(type: AttributeType, value: string): string | undefined {
    return equalityNormalizer(type.substr)?.(value);
  }

  /** Compares under the type's ORDERING rule; undefined if it has none (the filter is then Undefined). */
  compareOrdering(type: AttributeType, a: string, b: string): number | undefined {
    return orderingCompare(type.ordering, a, b);
  }

  /** Whether a value is valid for the type's syntax. */
  isValidValue(type: AttributeType, value: string): boolean {
    if (type.syntax === dnSyntaxOid) {
      try {
        parseDn(value);
        return true;
      } catch {
        return false;
      }
    }
    return isValidForSyntax(type.syntax, value);
  }

  /**
   * The normalized form of a DN: attribute types by canonical lower-case name, values by their
   * equality rule, multi-valued RDNs sorted. Two DNs name the same entry iff these are equal.
   * Throws InvalidDnError for a malformed DN.
   */
  normalizeDn(dn: string): string {
    return formatDn(this.normalizeRdns(parseDn(dn)));
  }

  /** Normalizes parsed RDNs (see {@link normalizeDn}). */
  normalizeRdns(rdns: Rdn[]): Rdn[] {
    return rdns.map((rdn) =>
      rdn
        .map((part) => {
          const type = this.attributeType(part.type);
          if (!type) return { type: part.type.toLowerCase(), value: part.value };
          return { type: type.name.toLowerCase(), value: this.equalityKey(type, part.value) ?? part.value };
        })
        .sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
    );
  }

  private resolveClass(def: ObjectClassDefinition, byName: Map<string, ObjectClassDefinition>): ObjectClass {
    const superclasses = new Set<string>();
    const must = new Set<string>();
    const may = new Set<string>();
    const visit = (current: ObjectClassDefinition, depth: number) => {
      if (depth > 32) return;
      for (const a of current.must) must.add(this.attributeKey(a) ?? a.toLowerCase());
      for (const a of current.may) may.add(this.attributeKey(a) ?? a.toLowerCase());
      for (const sup of current.sup) {
        const parent = byName.get(sup.toLowerCase());
        if (!parent) continue;
        superclasses.add((parent.names[0] ?? parent.oid).toLowerCase());
        visit(parent, depth + 1);
      }
    };
    visit(def, 0);
    return { oid: def.oid, name: def.names[0] ?? def.oid, kind: def.classKind, superclasses, must, may };
  }
}

function resolveAttribute(
  def: AttributeTypeDefinition,
  byName: Map<string, AttributeTypeDefinition>,
): AttributeType {
  let equality = def.equality;
  let ordering = def.ordering;
  let substr = def.substr;
  let syntax = def.syntax;
  let sup = def.sup ? byName.get(def.sup.toLowerCase()) : undefined;
  for (let depth = 0; sup && depth < 32; depth++) {
    equality ??= sup.equality;
    ordering ??= sup.ordering;
    substr ??= sup.substr;
    syntax ??= sup.syntax;
    sup = sup.sup ? byName.get(sup.sup.toLowerCase()) : undefined;
  }
  const type: AttributeType = {
    oid: def.oid,
    name: def.names[0] ?? def.oid,
    names: def.names,
    singleValue: def.singleValue,
    operational: def.usage !== 'userApplications',
  };
  if (equality) type.equality = equality;
  if (ordering) type.ordering = ordering;
  if (substr) type.substr = substr;
  if (syntax) type.syntax = syntax;
  return type;
}
