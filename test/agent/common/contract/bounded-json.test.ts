/**
 * The depth and size bounds every control-plane boundary applies before anything walks a value:
 * JSON text measured without recursion, built values (IPC) walked with a loop.
 */
import { describe, expect, test } from 'vitest';
import {
  jsonTextDepth,
  maxJsonDepth,
  parseBoundedJson,
  valueLimitBreach,
} from '../../../../agent/common/contract/bounded-json.js';

describe('parseBoundedJson', () => {
  test('parses JSON up to the depth limit and refuses one level more, 300,000 levels without overflow', () => {
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    expect(parseBoundedJson(nested(maxJsonDepth))).toMatchObject({ ok: true });
    expect(parseBoundedJson(nested(maxJsonDepth + 1))).toMatchObject({ ok: false, reason: 'depth' });
    expect(parseBoundedJson(nested(300_000))).toMatchObject({ ok: false, reason: 'depth' });
    expect(parseBoundedJson('{"a":')).toMatchObject({ ok: false, reason: 'syntax' });
  });

  test('brackets inside strings and escaped quotes do not count as nesting', () => {
    expect(jsonTextDepth('{"a":"[[[[\\"{{{{"}')).toBe(1);
    expect(jsonTextDepth('[{"k":["]"]}]')).toBe(3);
    // An escaped backslash does not escape the quote after it: the string ends there.
    expect(jsonTextDepth('["\\\\",[[1]]]')).toBe(3);
    expect(jsonTextDepth('["\\\\\\"[[[["]')).toBe(1);
  });
});

describe('valueLimitBreach', () => {
  const limits = { maxDepth: 4, maxValues: 10, maxStringChars: 20 };

  test('accepts a value within every limit', () => {
    expect(valueLimitBreach({ a: [1, 2], b: { c: 'short' } }, limits)).toBeUndefined();
  });

  test('names the limit a value breaks: depth, count, text; a cycle ends at the depth limit', () => {
    expect(valueLimitBreach([[[[[1]]]]], limits)).toMatch(/nested deeper than 4/);
    expect(
      valueLimitBreach(
        Array.from({ length: 11 }, () => 0),
        limits,
      ),
    ).toMatch(/more than 10 values/);
    expect(valueLimitBreach({ k: 'x'.repeat(21) }, limits)).toMatch(/more than 20 characters/);
    expect(valueLimitBreach({ ['k'.repeat(21)]: 1 }, limits)).toMatch(/more than 20 characters/);
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(valueLimitBreach(cyclic, limits)).toMatch(/nested deeper/);
  });

  test('refuses a huge array by its length, before walking it', () => {
    expect(valueLimitBreach(new Array(50_000_000), limits)).toMatch(/more than 10 values/);
  });
});
