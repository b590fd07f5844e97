import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../../../main/lab/traffic/seeded-random.js';
import {
  composeTrafficMessage,
  gtube,
  type TrafficMessageSpec,
} from '../../../../main/lab/traffic/traffic-mail.js';
import { parseDuration, parseTrafficOptions } from '../../../../main/lab/traffic/traffic-options.js';

const base: TrafficMessageSpec = {
  tag: 'trun-1',
  from: { address: 'yamada@example.com', name: '山田 太郎' },
  to: 'sato.hiroshi@eng.univ.example',
  charset: 'iso-2022-jp',
  spam: false,
  attachmentBytes: 0,
  messageIdDomain: 'example.com',
};

describe('traffic messages', () => {
  it('writes ISO-2022-JP as 7-bit JIS that a mail parser decodes back to the Japanese text', async () => {
    const raw = await composeTrafficMessage(base, new SeededRandom(1));
    // ISO-2022-JP is 7-bit: no byte above 0x7f anywhere, and the JIS escape sequence is present.
    expect(raw.every((byte) => byte < 0x80)).toBe(true);
    expect(raw.includes(Buffer.from('\x1b$B', 'latin1'))).toBe(true);
    expect(raw.toString('latin1')).toMatch(/^Subject: =\?ISO-2022-JP\?B\?/m);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    expect(parsed.text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]{5,}/);
    expect(parsed.from?.value[0]?.name).toBe('山田 太郎');
    expect(parsed.headers.get('x-mailfleet-traffic')).toBe('trun-1');
  });

  it('writes UTF-8 mail with a large attachment of the asked size, and spam carrying GTUBE', async () => {
    const random = new SeededRandom(2);
    const large = await simpleParser(
      await composeTrafficMessage({ ...base, charset: 'utf-8', attachmentBytes: 1024 * 1024 }, random),
    );
    expect(large.attachments).toHaveLength(1);
    expect(large.attachments[0]?.size).toBe(1024 * 1024);
    expect(large.attachments[0]?.filename).toBe('研究データ.bin');
    const spam = await simpleParser(
      await composeTrafficMessage({ ...base, charset: 'utf-8', spam: true }, random),
    );
    expect(spam.text).toContain(gtube);
  });
});

describe('traffic options', () => {
  it('reads durations and refuses what makes no sense, in words', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('ten minutes')).toThrow(/--duration takes a time/);
    expect(parseTrafficOptions({}).ratePerSecond).toBe(20);
    expect(parseTrafficOptions({ rate: '8' }).loginsPerSecond).toBe(2);
    expect(() => parseTrafficOptions({ spam: '1.5' })).toThrow(/share between 0 and 1/);
    expect(() => parseTrafficOptions({ rate: 'fast' })).toThrow(/--rate takes a number/);
    expect(() => parseTrafficOptions({ duration: '24h', rate: '0' })).toThrow();
  });

  it('sends the same mix again for the same seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const first = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(first);
    expect(new Set(first).size).toBe(20);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
