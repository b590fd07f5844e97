/**
 * How values compare and which values a syntax accepts, keyed by the matching rule and syntax
 * names used in the standard schema files. Only what the fleet's schema uses is exact; anything
 * else falls back to exact comparison and is accepted as any non-empty string.
 */

/** Normalizes a value for equality or substring matching, or says the rule cannot match. */
export type ValueNormalizer = (value: string) => string;

const collapseSpaces = (v: string) => v.trim().replace(/\s+/g, ' ');
const caseIgnore: ValueNormalizer = (v) => collapseSpaces(v).toLowerCase();
const caseExact: ValueNormalizer = (v) => collapseSpaces(v);
const exact: ValueNormalizer = (v) => v;

/** Normalizer of an EQUALITY (or SUBSTR) rule; `distinguishedNameMatch` is handled by the caller. */
export function equalityNormalizer(rule: string | undefined): ValueNormalizer | undefined {
  switch (rule?.toLowerCase()) {
    case undefined:
      return undefined;
    case 'caseignorematch':
    case 'caseignoreia5match':
    case 'caseignorelistmatch':
    case 'caseignoresubstringsmatch':
    case 'caseignoreia5substringsmatch':
    case 'caseignorelistsubstringsmatch':
    case 'objectidentifiermatch':
      return caseIgnore;
    case 'caseexactmatch':
    case 'caseexactia5match':
    case 'caseexactsubstringsmatch':
    case 'caseexactia5substringsmatch':
      return caseExact;
    case 'telephonenumbermatch':
    case 'telephonenumbersubstringsmatch':
      return (v) => v.replace(/[\s-]/g, '').toLowerCase();
    case 'numericstringmatch':
    case 'numericstringsubstringsmatch':
      return (v) => v.replace(/\s/g, '');
    case 'integermatch':
      return (v) => (isInteger(v) ? BigInt(v).toString() : v);
    case 'booleanmatch':
      return (v) => v.toUpperCase();
    default:
      return exact;
  }
}

/** Compares two values under an ORDERING rule: negative, zero or positive; undefined if it cannot. */
export function orderingCompare(rule: string | undefined, a: string, b: string): number | undefined {
  switch (rule?.toLowerCase()) {
    case 'integerorderingmatch': {
      if (!isInteger(a) || !isInteger(b)) return undefined;
      const d = BigInt(a) - BigInt(b);
      return d < 0n ? -1 : d > 0n ? 1 : 0;
    }
    case 'caseignoreorderingmatch':
      return compareStrings(caseIgnore(a), caseIgnore(b));
    case 'caseexactorderingmatch':
    case 'generalizedtimeorderingmatch':
    case 'numericstringorderingmatch':
      return compareStrings(a, b);
    default:
      return undefined;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isInteger(value: string): boolean {
  return /^-?(0|[1-9][0-9]*)$/.test(value);
}

const syntaxOids = {
  boolean: '1.3.6.1.4.1.1466.115.121.1.7',
  dn: '1.3.6.1.4.1.1466.115.121.1.12',
  directoryString: '1.3.6.1.4.1.1466.115.121.1.15',
  generalizedTime: '1.3.6.1.4.1.1466.115.121.1.24',
  ia5String: '1.3.6.1.4.1.1466.115.121.1.26',
  integer: '1.3.6.1.4.1.1466.115.121.1.27',
  numericString: '1.3.6.1.4.1.1466.115.121.1.36',
  oid: '1.3.6.1.4.1.1466.115.121.1.38',
  printableString: '1.3.6.1.4.1.1466.115.121.1.44',
  telephoneNumber: '1.3.6.1.4.1.1466.115.121.1.50',
} as const;

/** The OID of the DN syntax (its values are compared as DNs). */
export const dnSyntaxOid = syntaxOids.dn;

/** Whether a value is valid for a syntax. DN syntax is checked by the caller. */
export function isValidForSyntax(syntax: string | undefined, value: string): boolean {
  switch (syntax) {
    case syntaxOids.boolean:
      return value === 'TRUE' || value === 'FALSE';
    case syntaxOids.integer:
      return isInteger(value);
    case syntaxOids.ia5String:
      // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is exactly the 7-bit range
      return value.length > 0 && /^[\x00-\x7f]*$/.test(value);
    case syntaxOids.numericString:
      return /^[0-9 ]+$/.test(value);
    case syntaxOids.oid:
      return /^([0-9]+(\.[0-9]+)*|[A-Za-z][A-Za-z0-9-]*)$/.test(value);
    case syntaxOids.printableString:
      return /^[A-Za-z0-9 '()+,\-./:=?]+$/.test(value);
    case syntaxOids.generalizedTime:
      return /^[0-9]{10,14}([.,][0-9]+)?(Z|[+-][0-9]{4})$/.test(value);
    case syntaxOids.telephoneNumber:
      return value.trim().length > 0;
    default:
      return value.length > 0;
  }
}
