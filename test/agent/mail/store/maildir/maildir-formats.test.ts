import { describe, expect, it } from 'vitest';
import { toCrlf } from '../../../../../agent/mail/store/maildir/crlf.js';
import {
  folderNameOfDirectory,
  normaliseFolderName,
} from '../../../../../agent/mail/store/maildir/folder-names.js';
import { flagsOfLetters, KeywordTable } from '../../../../../agent/mail/store/maildir/keyword-table.js';
import {
  formatMessageFileName,
  MessageBaseGenerator,
  parseMessageFileName,
} from '../../../../../agent/mail/store/maildir/message-file-name.js';
import {
  formatUidlistHeader,
  formatUidlistRecord,
  parseUidlist,
} from '../../../../../agent/mail/store/maildir/uidlist-format.js';

describe('folder names', () => {
  it('normalises INBOX and maps folders to Dovecot directory names', () => {
    expect(normaliseFolderName('inbox')).toBe('INBOX');
    expect(normaliseFolderName('Inbox.Sub')).toBe('INBOX.Sub');
    expect(folderNameOfDirectory('.&eBR6dluk-.2026')).toBe('研究室.2026');
    expect(folderNameOfDirectory('cur')).toBeUndefined();
    expect(folderNameOfDirectory('..')).toBeUndefined();
    expect(folderNameOfDirectory('.&AGE-')).toBeUndefined();
    expect(() => normaliseFolderName('a'.repeat(300))).toThrow(/too long/);
    expect(() => normaliseFolderName('bad\ud800')).toThrow(/Unicode/);
  });
});

describe('message file names', () => {
  it('takes Dovecot names apart and puts them together with sorted flags', () => {
    const parsed = parseMessageFileName('1764300000.M123P45Q6.store01,S=1024,W=1050:2,FRSa');
    expect(parsed).toEqual({
      base: '1764300000.M123P45Q6.store01,S=1024,W=1050',
      size: 1024,
      vsize: 1050,
      letters: 'FRSa',
    });
    expect(parseMessageFileName('1764300000.M1P2.host')).toEqual({
      base: '1764300000.M1P2.host',
      letters: '',
    });
    expect(parseMessageFileName('.hidden')).toBeUndefined();
    expect(formatMessageFileName('b', 'SaFRS')).toBe('b:2,FRSa');
  });

  it('makes unique bases carrying the size, with the host name escaped', () => {
    const names = new MessageBaseGenerator('mail/host:1,x', 99);
    const first = names.next(123, 1_764_300_000_123);
    expect(first).toMatch(/^1764300000\.M123000P99Q1R[0-9a-f]{6}\.mail\\057host\\0721\\054x,S=123,W=123$/);
    expect(names.next(1)).not.toBe(names.next(1));
    expect(parseMessageFileName(`${first}:2,S`)?.size).toBe(123);
  });
});

describe('keywords', () => {
  it('reads and writes dovecot-keywords and maps letters to flags', () => {
    const table = KeywordTable.parse('0 $Forwarded\n2 project-x\nbroken line\n30 toolate\n');
    expect(table.letterOf('$forwarded')).toBe('a');
    expect(table.keywordOf('c')).toBe('project-x');
    expect(table.assign('$Junk')).toEqual({ letter: 'b', added: true });
    expect(table.format()).toBe('0 $Forwarded\n1 $Junk\n2 project-x\n');
    expect(flagsOfLetters('DFPRSTabz', table)).toEqual([
      '\\Draft',
      '\\Flagged',
      '\\Answered',
      '\\Seen',
      '\\Deleted',
      '$Forwarded',
      '$Junk',
    ]);
  });

  it('holds at most 26 keywords', () => {
    const table = new KeywordTable();
    for (let i = 0; i < 26; i++) expect(table.assign(`k${i}`).added).toBe(true);
    expect(table.assign('one-too-many')).toEqual({ letter: undefined, added: false });
  });
});

describe('dovecot-uidlist format', () => {
  it('parses what Dovecot writes, extensions included, and formats it back', () => {
    const text =
      '3 V1764300000 N5 G0123456789abcdef0123456789abcdef\n' +
      '1 :1764300000.M1P2.host,S=10,W=12\n' +
      '3 W1234 P/x :1764300001.M1P2.host\n';
    const parsed = parseUidlist(text);
    expect(parsed.header).toEqual({
      uidValidity: 1764300000,
      uidNext: 5,
      guid: '0123456789abcdef0123456789abcdef',
    });
    expect(parsed.records).toEqual([
      { uid: 1, base: '1764300000.M1P2.host,S=10,W=12', extensions: '' },
      { uid: 3, base: '1764300001.M1P2.host', extensions: 'W1234 P/x' },
    ]);
    expect(parsed.tornTail || parsed.badLines > 0).toBe(false);
    expect(formatUidlistHeader(parsed.header!) + parsed.records.map(formatUidlistRecord).join('')).toBe(text);
  });

  it('ignores a torn last line, damaged lines, UIDs out of order and repeated files', () => {
    const parsed = parseUidlist(
      '3 V7 N2 G0123456789abcdef0123456789abcdef\n1 :a\ngarbage\n5 :b\n4 :c\n6 :a\n0 :z\n7 :d\n8 :e',
    );
    expect(parsed.records.map((r) => r.uid)).toEqual([1, 5, 7]);
    expect(parsed.badLines).toBe(4);
    expect(parsed.tornTail).toBe(true);
    expect(parseUidlist('3 V0 N1 Gxyz\n1 :a\n').header).toBeUndefined();
    expect(parseUidlist('').header).toBeUndefined();
  });
});

describe('dovecot-uidlist under random damage', () => {
  it('never throws and only returns ordered, unique records from mutated files', () => {
    const valid =
      '3 V1764300000 N9 G0123456789abcdef0123456789abcdef\n' +
      Array.from({ length: 8 }, (_, i) => `${i + 1} :1764300000.M${i}P2.host,S=10,W=12\n`).join('');
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      const bytes = [...valid];
      for (let k = random(6); k >= 0; k--) {
        const at = random(bytes.length);
        const op = random(3);
        if (op === 0) bytes.splice(at, 1);
        else if (op === 1) bytes.splice(at, 0, String.fromCharCode(random(128)));
        else bytes[at] = String.fromCharCode(random(128));
      }
      const parsed = parseUidlist(bytes.join('').slice(0, random(valid.length + 1)));
      const uids = parsed.records.map((r) => r.uid);
      expect(uids).toEqual([...uids].sort((a, b) => a - b));
      expect(new Set(uids).size).toBe(uids.length);
      expect(new Set(parsed.records.map((r) => r.base)).size).toBe(uids.length);
      for (const r of parsed.records) expect(r.base).not.toMatch(/[\s/:]/);
    }
  });
});

describe('line ends', () => {
  it('turns bare LF and bare CR into CRLF and leaves CRLF alone', () => {
    expect(toCrlf(Buffer.from('a\nb\rc\r\nd')).toString()).toBe('a\r\nb\r\nc\r\nd');
    const crlf = Buffer.from('a\r\nb\r\n');
    expect(toCrlf(crlf)).toBe(crlf);
  });
});
