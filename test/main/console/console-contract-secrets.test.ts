/**
 * No call of the console contract can hand the renderer a secret: every field of every result and
 * event schema, at any depth (objects, arrays, unions, records' values), is walked through zod's
 * JSON Schema and none is named like a key, password, token or credential. Results are parsed by
 * these schemas on the way out of main (console-dispatch.ts), so a field not named here cannot
 * leave main at all. The walker is checked on a schema that hides a password three levels deep.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { consoleCalls, consoleEvents } from '../../../main/console/console-contract.js';

/** Field names that carry secrets in this code base and in the agent's logger's mask list. */
const secretName =
  /password|passwd|passphrase|^pass$|secret|private|credential|token|cookie|bindpw|api.?key|cipher|seal|(^|[a-z_])keys?$|^key/i;

/** Every property name in a JSON Schema, with the path that leads to it. */
function propertyNames(schema: unknown, path = '', into: string[] = []): string[] {
  if (Array.isArray(schema)) {
    for (const [index, item] of schema.entries()) propertyNames(item, `${path}[${index}]`, into);
  } else if (schema && typeof schema === 'object') {
    for (const [field, value] of Object.entries(schema)) {
      if (field === 'properties' && value && typeof value === 'object') {
        for (const [name, inner] of Object.entries(value)) {
          into.push(`${path}.${name}`);
          propertyNames(inner, `${path}.${name}`, into);
        }
      } else {
        propertyNames(value, path, into);
      }
    }
  }
  return into;
}

/** The schemas' fields whose names look like secrets. */
function suspiciousFields(schemas: Record<string, z.ZodType>): string[] {
  return Object.entries(schemas).flatMap(([name, schema]) =>
    propertyNames(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }), name).filter((path) =>
      secretName.test(path.slice(path.lastIndexOf('.') + 1)),
    ),
  );
}

describe('console contract', () => {
  it('has no result or event field named like a secret', () => {
    const results = Object.fromEntries(
      Object.entries(consoleCalls).map(([name, call]) => [name, call.result]),
    );
    // `unrepresentable: 'throw'`: a schema the walk could not see into fails here instead of passing.
    expect(suspiciousFields(results)).toEqual([]);
    expect(suspiciousFields(consoleEvents)).toEqual([]);
    // The walk reaches far enough to matter: there are many fields, nested ones among them.
    const all = Object.entries(results).flatMap(([name, schema]) =>
      propertyNames(z.toJSONSchema(schema), name),
    );
    expect(all.length).toBeGreaterThan(100);
    expect(all).toContain('fleet.snapshot.nodes.sample.services.detail');
  });

  it('the walker finds a secret hidden in an array of a union of a record', () => {
    const leaky = z.object({
      entries: z.array(
        z.union([
          z.object({ ok: z.literal(true) }),
          z.record(z.string(), z.object({ bindPassword: z.string() })),
        ]),
      ),
      hostKey: z.string(),
      passedTriplets: z.number(),
      privateKeyFile: z.string(),
      token: z.string(),
      name: z.string(),
    });
    expect(suspiciousFields({ leaky })).toEqual([
      'leaky.entries[1].bindPassword',
      'leaky.hostKey',
      'leaky.privateKeyFile',
      'leaky.token',
    ]);
  });
});
