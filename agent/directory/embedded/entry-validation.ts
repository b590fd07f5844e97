/**
 * Schema checks on an entry about to be stored, with the result codes slapd uses: object classes
 * known and with one structural chain, MUST attributes present, every attribute allowed by the
 * classes, single-valued attributes single, values valid for their syntax, no duplicate values,
 * and the RDN's values present in the entry.
 */
import type { DirectorySchema, ObjectClass } from '../schema/directory-schema.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import type { StoredEntry } from './stored-entry.js';

/** Throws an {@link LdapResultError} if the entry breaks the schema. */
export function validateEntry(schema: DirectorySchema, entry: StoredEntry): void {
  const classes = objectClassesOf(schema, entry);
  const allowed = new Set<string>(['objectclass']);
  for (const objectClass of classes) {
    for (const name of objectClass.must) allowed.add(name);
    for (const name of objectClass.may) allowed.add(name);
  }
  for (const [key, attribute] of entry.attributes) {
    const type = schema.attributeType(key);
    if (!type) {
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${attribute.name}' is not defined`,
      );
    }
    if (!allowed.has(key)) {
      throw new LdapResultError(
        resultCodes.objectClassViolation,
        `attribute '${attribute.name}' is not allowed by the object classes of ${entry.dn}`,
      );
    }
    if (type.singleValue && attribute.values.length > 1) {
      throw new LdapResultError(
        resultCodes.constraintViolation,
        `attribute '${attribute.name}' is single-valued but was given ${attribute.values.length} values`,
      );
    }
    const seen = new Set<string>();
    attribute.values.forEach((value, position) => {
      if (!schema.isValidValue(type, value)) {
        throw new LdapResultError(
          resultCodes.invalidAttributeSyntax,
          `attribute '${attribute.name}': value #${position} ${JSON.stringify(value.slice(0, 80))} is not valid for its syntax`,
        );
      }
      const normalized = schema.equalityKey(type, value) ?? value;
      if (seen.has(normalized)) {
        throw new LdapResultError(
          resultCodes.attributeOrValueExists,
          `attribute '${attribute.name}' has the value ${JSON.stringify(value)} twice`,
        );
      }
      seen.add(normalized);
    });
  }
  for (const objectClass of classes) {
    for (const name of objectClass.must) {
      if (!entry.attributes.has(name)) {
        const spelled = schema.attributeType(name)?.name ?? name;
        throw new LdapResultError(
          resultCodes.objectClassViolation,
          `object class '${objectClass.name}' requires attribute '${spelled}', which ${entry.dn} lacks`,
        );
      }
    }
  }
  checkRdnPresent(schema, entry);
}

/** The entry's object classes and all their superclasses; checks there is one structural chain. */
export function objectClassesOf(schema: DirectorySchema, entry: StoredEntry): ObjectClass[] {
  const names = entry.attributes.get('objectclass')?.values ?? [];
  if (names.length === 0) {
    throw new LdapResultError(resultCodes.objectClassViolation, `${entry.dn} has no objectClass attribute`);
  }
  const classes = new Map<string, ObjectClass>();
  for (const name of names) {
    const objectClass = schema.objectClass(name);
    if (!objectClass) {
      throw new LdapResultError(resultCodes.objectClassViolation, `object class '${name}' is not defined`);
    }
    classes.set(objectClass.name.toLowerCase(), objectClass);
    for (const sup of objectClass.superclasses) {
      const superclass = schema.objectClass(sup);
      if (superclass) classes.set(superclass.name.toLowerCase(), superclass);
    }
  }
  const structural = [...classes.values()].filter((c) => c.kind === 'STRUCTURAL');
  if (structural.length === 0) {
    throw new LdapResultError(resultCodes.objectClassViolation, `${entry.dn} has no structural object class`);
  }
  // The structural classes must form one chain: the most specific one has all others as superclasses.
  const mostSpecific = structural.find((c) =>
    structural.every((o) => o === c || c.superclasses.has(o.name.toLowerCase())),
  );
  if (!mostSpecific) {
    throw new LdapResultError(
      resultCodes.objectClassViolation,
      `${entry.dn} mixes unrelated structural object classes: ${structural.map((c) => c.name).join(', ')}`,
    );
  }
  return [...classes.values()];
}

function checkRdnPresent(schema: DirectorySchema, entry: StoredEntry): void {
  for (const part of entry.rdn) {
    const type = schema.attributeType(part.type);
    if (!type) {
      throw new LdapResultError(
        resultCodes.undefinedAttributeType,
        `attribute type '${part.type}' is not defined`,
      );
    }
    const wanted = schema.equalityKey(type, part.value) ?? part.value;
    const values = entry.attributes.get(type.name.toLowerCase())?.values ?? [];
    if (!values.some((v) => (schema.equalityKey(type, v) ?? v) === wanted)) {
      throw new LdapResultError(
        resultCodes.namingViolation,
        `the value of naming attribute '${type.name}' (${JSON.stringify(part.value)}) is not present in ${entry.dn}`,
      );
    }
  }
}
