/**
 * Reading ldapjs request objects, which reach our handlers as loosely typed class instances:
 * every field is parsed from `unknown` with zod. DNs are rebuilt from ldapjs' parsed RDN values
 * (its own DN string form is lossy for some escapes).
 */
import { z } from 'zod';
import { formatDn, type Rdn } from '../../common/directory/distinguished-name.js';
import type { AttributeModification } from './write-operations.js';

const callable = z.custom<(...args: never[]) => unknown>(
  (v) => typeof v === 'function',
  'expected a function',
);
const ldapjsRdn = z.object({ keys: callable, getValue: callable });

/** The DN string of an ldapjs DN object (or a string, passed through). */
export function dnFromLdapjs(value: unknown): string {
  if (typeof value === 'string') return value;
  const dn = z.object({ length: z.number(), rdnAt: callable }).parse(pick(value, ['length', 'rdnAt']));
  const rdnAt = (value as { rdnAt(i: number): unknown }).rdnAt.bind(value);
  const rdns: Rdn[] = [];
  for (let i = 0; i < dn.length; i++) {
    const rdn = rdnAt(i);
    ldapjsRdn.parse(pick(rdn, ['keys', 'getValue']));
    const typed = rdn as { keys(): Iterable<unknown>; getValue(name: string): unknown };
    rdns.push(
      [...typed.keys()].map((type) => ({
        type: z.string().parse(type),
        value: z.string().parse(typed.getValue(String(type))),
      })),
    );
  }
  return formatDn(rdns);
}

const ldapjsAttribute = z.object({ type: z.string(), values: z.array(z.string()) });

/** The attributes of an add request. */
export function addAttributes(request: unknown): Record<string, string[]> {
  const { attributes } = z
    .object({ attributes: z.array(ldapjsAttribute) })
    .parse(pick(request, ['attributes']));
  const result: Record<string, string[]> = {};
  for (const attribute of attributes)
    result[attribute.type] = [...(result[attribute.type] ?? []), ...attribute.values];
  return result;
}

/** The changes of a modify request. */
export function modifyChanges(request: unknown): AttributeModification[] {
  const changes = z.array(z.unknown()).parse(pick(request, ['changes']).changes);
  return changes.map((change) => {
    const parsed = z
      .object({ operation: z.enum(['add', 'delete', 'replace']), modification: z.unknown() })
      .parse(pick(change, ['operation', 'modification']));
    const attribute = ldapjsAttribute.parse(pick(parsed.modification, ['type', 'values']));
    return { operation: parsed.operation, attribute: attribute.type, values: attribute.values };
  });
}

/** The fields of a search request. */
export function searchFields(request: unknown): {
  base: string;
  scope: 'base' | 'one' | 'sub';
  sizeLimit: number;
  attributes: string[];
  typesOnly: boolean;
  filter: unknown;
  controls: unknown[];
} {
  const fields = z
    .object({
      baseObject: z.unknown(),
      scopeName: z.enum(['base', 'single', 'subtree']),
      sizeLimit: z.number().int().nonnegative(),
      attributes: z.array(z.string()),
      typesOnly: z.boolean(),
      filter: z.unknown(),
      controls: z.array(z.unknown()),
    })
    .parse(
      pick(request, [
        'baseObject',
        'scopeName',
        'sizeLimit',
        'attributes',
        'typesOnly',
        'filter',
        'controls',
      ]),
    );
  return {
    base: dnFromLdapjs(fields.baseObject),
    scope: fields.scopeName === 'single' ? 'one' : fields.scopeName === 'subtree' ? 'sub' : 'base',
    sizeLimit: fields.sizeLimit,
    attributes: fields.attributes,
    typesOnly: fields.typesOnly,
    filter: fields.filter,
    controls: fields.controls,
  };
}

/** The Simple Paged Results control (RFC 2696) of a request, if present. */
export function pagedResultsControl(
  controls: unknown[],
): { size: number; cookie: Buffer; critical: boolean } | undefined {
  for (const control of controls) {
    const parsed = z
      .object({ type: z.string(), criticality: z.boolean().optional(), value: z.unknown() })
      .parse(pick(control, ['type', 'criticality', 'value']));
    if (parsed.type !== '1.2.840.113556.1.4.319') continue;
    const value = z
      .object({ size: z.number().int().nonnegative(), cookie: z.instanceof(Buffer).optional() })
      .parse(pick(parsed.value, ['size', 'cookie']));
    return {
      size: value.size,
      cookie: value.cookie ?? Buffer.alloc(0),
      critical: parsed.criticality ?? false,
    };
  }
  return undefined;
}

/** Copies named properties (including getters on class instances) into a plain object for zod. */
export function pick(value: unknown, names: string[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (typeof value !== 'object' || value === null) return result;
  for (const name of names) result[name] = (value as Record<string, unknown>)[name];
  return result;
}
