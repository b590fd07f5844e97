/**
 * Distinguished names (RFC 4514): parsing into RDNs and formatting back. The embedded server and
 * the LDIF reader use this instead of ldapjs' DN parser, which mangles some escapes.
 */

/** One attribute-value assertion of an RDN, with the value unescaped. */
export interface RdnPart {
  type: string;
  value: string;
}

/** An RDN: usually one part, several for multi-valued RDNs (`cn=a+sn=b`). */
export type Rdn = RdnPart[];

/** Thrown for a string that is not a DN. */
export class InvalidDnError extends Error {
  constructor(dn: string, why: string) {
    super(`invalid DN ${JSON.stringify(dn)}: ${why}`);
    this.name = 'InvalidDnError';
  }
}

const attributeTypePattern = /^([A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)*)$/;

/** Parses a DN into its RDNs, leftmost (most specific) first. The empty string is the root DN. */
export function parseDn(dn: string): Rdn[] {
  const rdns: Rdn[] = [];
  if (dn.trim() === '') return rdns;
  let rdn: Rdn = [];
  let i = 0;
  while (i <= dn.length) {
    const eq = dn.indexOf('=', i);
    if (eq < 0) throw new InvalidDnError(dn, 'an RDN has no "="');
    const type = dn.slice(i, eq).trim();
    if (!attributeTypePattern.test(type))
      throw new InvalidDnError(dn, `bad attribute type ${JSON.stringify(type)}`);
    const { value, end } = readValue(dn, eq + 1);
    rdn.push({ type, value });
    const separator = dn[end];
    if (separator === '+') {
      i = end + 1;
      continue;
    }
    rdns.push(rdn);
    rdn = [];
    if (separator === undefined) break;
    i = end + 1;
  }
  return rdns;
}

function readValue(dn: string, start: number): { value: string; end: number } {
  let i = start;
  while (dn[i] === ' ') i++;
  if (dn[i] === '#') {
    // A BER-encoded value: kept as its textual form, we never need to decode it.
    let end = i + 1;
    while (end < dn.length && /[0-9A-Fa-f]/.test(dn[end] ?? '')) end++;
    const value = dn.slice(i, end);
    while (dn[end] === ' ') end++;
    return { value, end };
  }
  const bytes: number[] = [];
  let lastSignificant = 0;
  for (; i < dn.length; i++) {
    const c = dn[i] as string;
    if (c === ',' || c === '+' || c === ';') break;
    if (c === '\\') {
      const next = dn.slice(i + 1, i + 3);
      if (/^[0-9A-Fa-f]{2}$/.test(next)) {
        bytes.push(Number.parseInt(next, 16));
        i += 2;
      } else if (next.length > 0 && ' "#+,;<=>\\'.includes(next[0] as string)) {
        bytes.push(next.charCodeAt(0));
        i += 1;
      } else {
        throw new InvalidDnError(dn, 'bad escape');
      }
      lastSignificant = bytes.length;
      continue;
    }
    if (c === '"') throw new InvalidDnError(dn, 'unescaped quote');
    for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    if (c !== ' ') lastSignificant = bytes.length;
  }
  // Unescaped trailing spaces are not part of the value (RFC 4514 section 3).
  const value = Buffer.from(bytes.slice(0, lastSignificant)).toString('utf8');
  return { value, end: i };
}

/** Escapes an attribute value for a DN, using hex escapes that every LDAP implementation reads alike. */
export function escapeDnAttributeValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    const special =
      '"+,;<>\\='.includes(c) ||
      c === '\0' ||
      (i === 0 && (c === ' ' || c === '#')) ||
      (i === value.length - 1 && c === ' ');
    out += special ? `\\${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}` : c;
  }
  return out;
}

/** Formats RDNs back into a DN string. */
export function formatDn(rdns: Rdn[]): string {
  return rdns
    .map((rdn) => rdn.map((part) => `${part.type}=${escapeDnAttributeValue(part.value)}`).join('+'))
    .join(',');
}
