import { describe, expect, test } from 'vitest';
import { RpcLineSplitter } from '../../../../agent/common/rpc/rpc-line-splitter.js';

function collect(limit: number) {
  const events: string[] = [];
  const splitter = new RpcLineSplitter(limit, {
    line: (text) => events.push(`line:${text}`),
    tooLong: () => events.push('tooLong'),
    notUtf8: () => events.push('notUtf8'),
  });
  return { events, splitter };
}

describe('RpcLineSplitter', () => {
  test('splits lines across chunks and ignores blank lines', () => {
    const { events, splitter } = collect(100);
    splitter.push(Buffer.from('{"a":1}\n{"b"'));
    splitter.push(Buffer.from(':2}\r\n\n{"c":3}'));
    splitter.push(Buffer.from('\n'));
    expect(events).toEqual(['line:{"a":1}', 'line:{"b":2}', 'line:{"c":3}']);
  });

  test('reports a line that is not UTF-8 instead of decoding it with replacement characters', () => {
    const { events, splitter } = collect(100);
    splitter.push(Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]));
    // A UTF-8 character split across two chunks is still one valid line.
    const snow = Buffer.from('{"b":"雪"}\n');
    splitter.push(snow.subarray(0, 7));
    splitter.push(snow.subarray(7));
    expect(events).toEqual(['notUtf8', 'line:{"b":"雪"}']);
  });

  test('reports an over-long line once, drops it, and carries on with the next line', () => {
    const { events, splitter } = collect(10);
    splitter.push(Buffer.from('0123456789'));
    splitter.push(Buffer.from('abcdef'));
    splitter.push(Buffer.from('ghijkl'));
    splitter.push(Buffer.from('xyz\n{"ok":1}\n'));
    expect(events).toEqual(['tooLong', 'line:{"ok":1}']);
  });

  test('an over-long line ending inside the same chunk does not swallow the next line', () => {
    const { events, splitter } = collect(4);
    splitter.push(Buffer.from('0123456789\n{}\n'));
    expect(events).toEqual(['tooLong', 'line:{}']);
  });

  test('a line of exactly the limit is accepted', () => {
    const { events, splitter } = collect(4);
    splitter.push(Buffer.from('1234\n'));
    expect(events).toEqual(['line:1234']);
  });
});
