import { describe, expect, it } from 'vitest';
import {
  decodeMailboxName,
  decodeMailboxNameOrUndefined,
  encodeMailboxName,
  InvalidModifiedUtf7Error,
} from '../../../../../agent/mail/protocol/imap/mutf7.js';
import {
  MailboxNameError,
  mailboxFromWire,
  mailboxToWire,
} from '../../../../../agent/mail/store/imap/mailbox-name.js';

describe('modified UTF-7', () => {
  it('encodes and decodes the RFC 3501 examples', () => {
    expect(encodeMailboxName('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(decodeMailboxName('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeMailboxName('Tom & Jerry')).toBe('Tom &- Jerry');
    expect(decodeMailboxName('Tom &- Jerry')).toBe('Tom & Jerry');
  });

  it('round-trips Japanese folder names, emoji (surrogate pairs) and mixed text', () => {
    for (const name of [
      '研究室',
      '研究室.2026',
      '送信済みアイテム',
      'Ärger',
      'mail 📧 box',
      'a&b&c',
      '',
      'ｶﾀｶﾅ',
    ]) {
      const wire = encodeMailboxName(name);
      expect(wire).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeMailboxName(wire)).toBe(name);
    }
    expect(encodeMailboxName('研究室')).toBe('&eBR6dluk-');
  });

  it('refuses invalid encodings with a reason', () => {
    const bad = [
      '&', // never terminated
      '&ZeVnLIqe', // never terminated
      '&ZeV-', // cut in the middle of a UTF-16 unit
      '&U,BTFx-', // non-zero padding bits
      '&AGE-', // "a" encoded although printable
      '&2D0-', // lone high surrogate
      '&3gA-', // lone low surrogate
      '&U,BTFw-&ZeVnLIqe-', // two adjacent runs: not canonical
      '&Ze/nLIqe-', // "/" is not in the modified alphabet
      'caf\u00e9', // 8-bit character sent raw
      'tab\there',
    ];
    for (const wire of bad) {
      expect(() => decodeMailboxName(wire), wire).toThrow(InvalidModifiedUtf7Error);
    }
  });
});

describe('modified UTF-7 of folder names on disk (Dovecot Maildir++)', () => {
  it('encodes and decodes the RFC 3501 examples and Japanese names', () => {
    expect(encodeMailboxName('~peter/mail/台北/日本語')).toBe('~peter/mail/&U,BTFw-/&ZeVnLIqe-');
    expect(decodeMailboxNameOrUndefined('~peter/mail/&U,BTFw-/&ZeVnLIqe-')).toBe('~peter/mail/台北/日本語');
    expect(encodeMailboxName('研究室')).toBe('&eBR6dluk-');
    expect(encodeMailboxName('R&D')).toBe('R&-D');
    expect(decodeMailboxNameOrUndefined('R&-D')).toBe('R&D');
    for (const name of ['📧 mail', 'Ünïcödé', '受信箱.下書き', 'a&b&c']) {
      expect(decodeMailboxNameOrUndefined(encodeMailboxName(name))).toBe(name);
    }
  });

  it('refuses what no conforming encoder writes', () => {
    for (const bad of [
      '&Jjo!',
      '&U,BTFw',
      '&U,BTFw-&ZeVnLIqe-',
      '&AGE-',
      '&U/BTFw-',
      'caf\u00e9',
      '&2D0-',
      '&AAA-'.slice(0, 3),
    ]) {
      expect(decodeMailboxNameOrUndefined(bad), bad).toBeUndefined();
    }
  });
});

describe('mailbox names from the wire', () => {
  it('normalises INBOX in any case, also as the first level', () => {
    expect(mailboxFromWire('inbox')).toBe('INBOX');
    expect(mailboxFromWire('InBoX.Projects')).toBe('INBOX.Projects');
    expect(mailboxFromWire('Inboxes')).toBe('Inboxes');
  });

  it('decodes Japanese names and encodes them back', () => {
    expect(mailboxFromWire('&eBR6dluk-.2026')).toBe('研究室.2026');
    expect(mailboxToWire('研究室.2026')).toBe('&eBR6dluk-.2026');
  });

  it('refuses dangerous names with words', () => {
    const cases: Array<[string, RegExp]> = [
      ['a..b', /empty hierarchy level/],
      ['..', /start with/],
      ['../etc', /start with|"\/"/],
      ['a/b', /"\/"/],
      ['.hidden', /start with/],
      ['trailing.', /end with/],
      ['&AAA-', /NUL/],
      ['&AAE-x', /control character/],
      ['&AH8-', /control character/],
      ['', /empty/],
      ['a*', /"\*"/],
      ['&ZeV-', /not valid modified UTF-7/],
      [`${'x'.repeat(250)}`, /longer than/],
    ];
    for (const [wire, reason] of cases) {
      let error: unknown;
      try {
        mailboxFromWire(wire);
      } catch (caught) {
        error = caught;
      }
      expect(error, wire).toBeInstanceOf(MailboxNameError);
      expect((error as Error).message, wire).toMatch(reason);
    }
  });

  it('drops one trailing separator on CREATE only', () => {
    expect(mailboxFromWire('Projects.', { allowTrailingSeparator: true })).toBe('Projects');
    expect(() => mailboxFromWire('Projects.')).toThrow(MailboxNameError);
  });
});
