import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasOnlyCrlf } from '../../../../../agent/mail/store/maildir/crlf.js';
import { crlfCheckModule } from '../../../../../agent/mail/store/maildir/crlf-check-module.js';

/** The rule, byte by byte, as plainly as it can be said. */
function plainlyCrlf(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) {
    if (data[i] === 0x0a && (i === 0 || data[i - 1] !== 0x0d)) return false;
    if (data[i] === 0x0d && data[i + 1] !== 0x0a) return false;
  }
  return true;
}

/** A small random number generator with a seed, so a failure can be run again. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const line = Buffer.from(`${'x'.repeat(78)}\r\n`);
const lines = (count: number) => Buffer.concat(Array.from({ length: count }, () => line));

describe('the CRLF check (WebAssembly)', () => {
  it('is the module assembled from crlf-check.wat', async () => {
    // build/wasm/assemble.mjs is plain JavaScript, run by hand after a change to the .wat.
    const { assemble, modules } = await import('../../../../../build/wasm/assemble.mjs');
    const crlf = modules.find((m) => m.wat.endsWith('crlf-check.wat'))!;
    expect(readFileSync(crlf.ts, 'utf8')).toContain(crlfCheckModule);
    expect(await assemble(crlf.wat)).toBe(crlfCheckModule);
  });

  it('agrees with the plain rule on 100,000 random messages of LF, CR and text', () => {
    const random = randomFrom(20261207);
    const bytes = [0x0a, 0x0d, 0x78];
    let agreed = 0;
    let crlfOnly = 0;
    for (let n = 0; n < 100_000; n++) {
      const data = Buffer.alloc(Math.floor(random() * 200));
      for (let i = 0; i < data.length; i++) data[i] = bytes[Math.floor(random() * 3)]!;
      // Half of them made right first, some with one byte changed after: near misses.
      const message = random() < 0.5 ? toCrlfPlainly(data, random) : data;
      expect(hasOnlyCrlf(message), JSON.stringify(message.toString('latin1'))).toBe(plainlyCrlf(message));
      agreed++;
      if (plainlyCrlf(message)) crlfOnly++;
    }
    expect(agreed).toBe(100_000);
    // Both answers were tried many times.
    expect(crlfOnly).toBeGreaterThan(10_000);
    expect(agreed - crlfOnly).toBeGreaterThan(10_000);
  });

  it('finds a bare LF or CR wherever it is: either side of its 64 KiB chunks, first and last byte', () => {
    const message = lines(10_000); // 800 kB
    expect(hasOnlyCrlf(message)).toBe(true);
    for (const at of [0, 1, 15, 16, 63, 64, 65_535, 65_536, 65_537, 131_071, 131_072, message.length - 1]) {
      for (const byte of [0x0a, 0x0d]) {
        const broken = Buffer.from(message);
        if (broken[at] === byte) continue;
        broken[at] = byte;
        expect(hasOnlyCrlf(broken), `${byte === 0x0a ? 'LF' : 'CR'} at ${at}`).toBe(plainlyCrlf(broken));
        expect(hasOnlyCrlf(broken)).toBe(false);
      }
    }
    // A CRLF split by a chunk's end, and an empty message.
    const split = Buffer.concat([Buffer.alloc(65_535, 0x78), Buffer.from('\r\nabc\r\n')]);
    expect(hasOnlyCrlf(split)).toBe(true);
    expect(hasOnlyCrlf(Buffer.alloc(0))).toBe(true);
    expect(hasOnlyCrlf(Buffer.from('\r'))).toBe(false);
    expect(hasOnlyCrlf(Buffer.from('\n'))).toBe(false);
  });

  it('checks a view into a larger buffer by its own bytes only', () => {
    const around = Buffer.from('x\r\nabc\r\ndef\r');
    // Its first byte is an LF whose CR lies outside the view, its last a CR whose LF lies outside.
    expect(hasOnlyCrlf(around.subarray(2))).toBe(false);
    expect(hasOnlyCrlf(around.subarray(3, 11))).toBe(true);
    expect(hasOnlyCrlf(Buffer.from('\r\nabc\r\nde').subarray(0, 6))).toBe(false);
  });
});

/** `data` with its line ends made CRLF, then sometimes one byte changed. */
function toCrlfPlainly(data: Buffer, random: () => number): Buffer {
  const made = Buffer.from(data.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
  if (made.length > 0 && random() < 0.5)
    made[Math.floor(random() * made.length)] = [0x0a, 0x0d, 0x78][Math.floor(random() * 3)]!;
  return made;
}
