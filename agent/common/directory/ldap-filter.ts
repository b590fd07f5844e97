/**
 * LDAP search filters built from parts, with every value escaped (RFC 4515 section 3), so text a
 * user typed (`*)(uid=*`) is only ever matched literally.
 */

/** A filter string built by this module (not from raw text). */
export type LdapFilter = string & { readonly __ldapFilter: true };

const attributeNamePattern = /^[A-Za-z][A-Za-z0-9-]*$/;

/** Escapes a value for a filter: `\`, `*`, `(`, `)` and NUL become `\5c`, `\2a`, `\28`, `\29`, `\00`. */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function attribute(name: string): string {
  // Attribute names come from our code, never from users; a bad one is a programming error.
  if (!attributeNamePattern.test(name)) throw new Error(`not an attribute name: ${JSON.stringify(name)}`);
  return name;
}

/** `(name=value)`: equality, value escaped. */
export function equals(name: string, value: string): LdapFilter {
  return `(${attribute(name)}=${escapeFilterValue(value)})` as LdapFilter;
}

/** `(name=value*)`: the value starts with the text, escaped; presence for empty text. */
export function startsWith(name: string, prefix: string): LdapFilter {
  return `(${attribute(name)}=${escapeFilterValue(prefix)}*)` as LdapFilter;
}

/** `(name=*)`: the attribute is present. */
export function present(name: string): LdapFilter {
  return `(${attribute(name)}=*)` as LdapFilter;
}

/** `(&...)`; a single filter is returned as is. */
export function and(...filters: LdapFilter[]): LdapFilter {
  return filters.length === 1 ? (filters[0] as LdapFilter) : (`(&${filters.join('')})` as LdapFilter);
}

/** `(|...)`; a single filter is returned as is. */
export function or(...filters: LdapFilter[]): LdapFilter {
  return filters.length === 1 ? (filters[0] as LdapFilter) : (`(|${filters.join('')})` as LdapFilter);
}

/** `(!filter)`. */
export function not(filter: LdapFilter): LdapFilter {
  return `(!${filter})` as LdapFilter;
}
