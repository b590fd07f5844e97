import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../../agent/common/contract/methods.js';
import { AuditLog, canonicalJson, paramsDigest } from '../../../agent/control/audit-log.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-audit-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function entry(i: number): AuditEntry {
  return {
    at: new Date(1_700_000_000_000 + i).toISOString(),
    node: 'store05',
    caller: { kind: 'system', id: `admin${i}` },
    method: 'service.restart',
    paramsDigest: paramsDigest({ service: `svc${i}` }),
    outcome: i % 3 === 0 ? 'denied' : 'ok',
  };
}

describe('AuditLog', () => {
  test('appends JSON lines and reads back the newest, oldest first', async () => {
    const log = new AuditLog(join(dir, 'audit.log'));
    await log.open();
    for (let i = 0; i < 5; i++) await log.append(entry(i));
    expect(await log.tail(3)).toEqual([entry(2), entry(3), entry(4)]);
    expect(await log.tail(100)).toHaveLength(5);
    const lines = (await readFile(join(dir, 'audit.log'), 'utf8')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([0, 1, 2, 3, 4].map(entry));
    await log.close();
  });

  test('tail reads across chunk boundaries of a large log', async () => {
    const log = new AuditLog(join(dir, 'audit.log'));
    await log.open();
    // About 2,000 lines of ~250 bytes: several 64 KiB chunks.
    await Promise.all(Array.from({ length: 2000 }, (_, i) => log.append(entry(i))));
    const tail = await log.tail(1000);
    expect(tail).toHaveLength(1000);
    expect(tail[0]).toEqual(entry(1000));
    expect(tail[999]).toEqual(entry(1999));
    await log.close();
  });

  test("a filtered tail is filled from far back: a department's few entries among many others", async () => {
    const log = new AuditLog(join(dir, 'audit.log'));
    await log.open();
    // 3,000 entries, one in a hundred of the department's: its 15 newest lie 1,500 entries back,
    // far beyond ten times the 15 asked for (what the earlier fixed read-ahead looked at).
    await Promise.all(Array.from({ length: 3000 }, (_, i) => log.append(entry(i))));
    const ours = (e: AuditEntry) => Number(e.caller.id.slice('admin'.length)) % 100 === 0;
    const tail = await log.tail(15, ours);
    expect(tail).toEqual(Array.from({ length: 15 }, (_, k) => entry(1500 + k * 100)));
    // Fewer than asked in the whole file: all of them, oldest first.
    expect(await log.tail(1000, ours)).toHaveLength(30);
    await log.close();
  });

  test('an empty log has no entries', async () => {
    const log = new AuditLog(join(dir, 'audit.log'));
    await log.open();
    expect(await log.tail(10)).toEqual([]);
    await log.close();
  });
});

describe('paramsDigest', () => {
  test('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}',
    );
    expect(paramsDigest({ a: 1, b: 2 })).toBe(paramsDigest({ b: 2, a: 1 }));
    expect(paramsDigest({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });

  test('digests params nested 200,000 levels deep without recursing (no stack overflow)', () => {
    let deep: unknown = { z: 1, a: [] };
    for (let i = 0; i < 200_000; i++) deep = [deep];
    const text = canonicalJson(deep);
    expect(text.length).toBe(400_000 + '{"a":[],"z":1}'.length);
    expect(text.slice(199_998, 200_016)).toBe('[[{"a":[],"z":1}]]');
    expect(paramsDigest(deep)).toMatch(/^[0-9a-f]{64}$/);
  });
});
