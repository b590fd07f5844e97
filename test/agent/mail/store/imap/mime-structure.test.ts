/**
 * BODYSTRUCTURE, ENVELOPE and body sections on tricky MIME. The expected strings were checked
 * against Dovecot 2.3 (Debian's dovecot-imapd) for the same messages; the one deliberate
 * difference is noted where it occurs.
 */
import { describe, expect, it } from 'vitest';
import type { ImapToken } from '../../../../../agent/mail/protocol/imap/imap-parser.js';
import { parseAddressList } from '../../../../../agent/mail/store/imap/address-list.js';
import { parseSection, sectionBytes } from '../../../../../agent/mail/store/imap/body-section.js';
import { formatBodyStructure } from '../../../../../agent/mail/store/imap/body-structure.js';
import { formatEnvelope } from '../../../../../agent/mail/store/imap/envelope.js';
import { messageStructure } from '../../../../../agent/mail/store/imap/message-structure-cache.js';
import { maxMimeDepth, parseMimeTree } from '../../../../../agent/mail/store/imap/mime-tree.js';
import { SearchableMessage } from '../../../../../agent/mail/store/imap/search-match.js';
import { decodeHeaderValue } from '../../../../../agent/mail/store/imap/text-decoding.js';
import { bareMessage, digestMessage, japaneseMessage, mixedMessage } from './support/mime-samples.js';

const atom = (value: string): ImapToken => ({ type: 'atom', value });

function section(message: Buffer, text: string): string | undefined {
  const [spec, fields] = text.split(' (');
  const tokens: ImapToken[] = spec === '' ? [] : [atom(spec!)];
  if (fields) tokens.push({ type: 'list', items: fields.replace(')', '').split(' ').map(atom) });
  return sectionBytes(message, parseMimeTree(message), parseSection(tokens))?.toString('latin1');
}

describe('BODYSTRUCTURE', () => {
  it('describes multipart/alternative, an attachment with RFC 2231 parameters, and a forwarded message', () => {
    // Dovecot answers 298 and 15 lines for the message/rfc822 part: it counts the CRLF before the
    // outer boundary into the part. RFC 2046 5.1.1 gives that CRLF to the boundary, so 296 and 14.
    expect(formatBodyStructure(mixedMessage, parseMimeTree(mixedMessage), true)).toBe(
      '((("text" "plain" ("charset" "UTF-8") NIL NIL "quoted-printable" 37 1 NIL NIL NIL NIL)' +
        '("text" "html" ("charset" "utf-8") NIL NIL "8bit" 12 0 NIL NIL ("ja" "en") NIL) "alternative" ("boundary" "inner") NIL NIL NIL)' +
        '("application" "pdf" ("name" "report.pdf") "<part3@univ.example>" "the report" "base64" 12 "Q2hlY2sgSW50ZWdyaXR5IQ==" ' +
        `("attachment" ("filename*" "UTF-8''%E5%A0%B1%E5%91%8A%E6%9B%B8.pdf" "size" "12")) NIL "http://example.org/report.pdf")` +
        '("message" "rfc822" NIL NIL NIL "7bit" 296 ("Mon, 2 Nov 2026 18:00:00 +0900" "inner" (("Hanako" NIL "hanako" "sci.univ.example")) ' +
        '(("Hanako" NIL "hanako" "sci.univ.example")) (("Hanako" NIL "hanako" "sci.univ.example")) ((NIL NIL "taro.yamada" "eng.univ.example")) NIL NIL NIL NIL) ' +
        '(("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 24 0 NIL NIL NIL NIL)("image" "png" NIL NIL NIL "base64" 12 NIL NIL NIL NIL) "mixed" ("boundary" "b2") NIL NIL NIL) 14 NIL NIL NIL NIL) ' +
        '"mixed" ("boundary" "outer") NIL NIL NIL)',
    );
  });

  it('leaves extension data out of BODY', () => {
    const body = formatBodyStructure(mixedMessage, parseMimeTree(mixedMessage), false);
    expect(body.startsWith('((("text" "plain" ("charset" "UTF-8") NIL NIL "quoted-printable" 37 1)')).toBe(
      true,
    );
    expect(body.endsWith('"mixed")')).toBe(true);
    expect(body).not.toContain('attachment');
  });

  it('applies defaults: text/plain us-ascii, and message/rfc822 parts inside multipart/digest', () => {
    expect(formatBodyStructure(bareMessage, parseMimeTree(bareMessage), true)).toBe(
      '("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 11 1 NIL NIL NIL NIL)',
    );
    expect(formatBodyStructure(digestMessage, parseMimeTree(digestMessage), false)).toBe(
      '(("message" "rfc822" NIL NIL NIL "7bit" 43 (NIL "one" ((NIL NIL "a" "univ.example")) ((NIL NIL "a" "univ.example")) ' +
        '((NIL NIL "a" "univ.example")) NIL NIL NIL NIL NIL) ("text" "plain" ("charset" "us-ascii") NIL NIL "7bit" 5 0) 3) "digest")',
    );
  });

  it('describes an ISO-2022-JP text part by its bytes and lines', () => {
    expect(formatBodyStructure(japaneseMessage, parseMimeTree(japaneseMessage), true)).toBe(
      '("text" "plain" ("charset" "ISO-2022-JP") NIL NIL "7bit" 31 2 NIL NIL NIL NIL)',
    );
  });

  it('stays bounded on hostile nesting and never throws on garbage', () => {
    let nested = 'Content-Type: multipart/mixed; boundary=b0\r\n\r\n';
    for (let i = 1; i < 10_000; i++)
      nested += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary=b${i}\r\n\r\n`;
    const message = Buffer.from(nested);
    const structure = messageStructure(message).bodyStructure;
    expect(structure.split('"mixed"').length - 1).toBeLessThanOrEqual(maxMimeDepth + 1);
    expect(structure.split('(').length).toBe(structure.split(')').length);
    for (const garbage of [
      '',
      '\r\n',
      'Content-Type: /\r\n\r\nx',
      'Content-Type: multipart/x; boundary=""\r\n\r\n--\r\n',
      '\u0000\u0001',
    ]) {
      expect(() => messageStructure(Buffer.from(garbage))).not.toThrow();
    }
  });
});

describe('ENVELOPE', () => {
  it('passes header bytes through: encoded-words stay encoded, groups and quoted names are kept', () => {
    expect(formatEnvelope(parseMimeTree(mixedMessage).fields)).toBe(
      '("Tue, 3 Nov 2026 09:15:00 +0900" "=?UTF-8?B?5Lya6K2w44Gu6LOH5paZ?=  (Meeting notes)" ' +
        '(("=?UTF-8?B?5bGx55Sw5aSq6YOO?=" NIL "taro.yamada" "eng.univ.example")) (("=?UTF-8?B?5bGx55Sw5aSq6YOO?=" NIL "taro.yamada" "eng.univ.example")) ' +
        '(("=?UTF-8?B?5bGx55Sw5aSq6YOO?=" NIL "taro.yamada" "eng.univ.example")) (("Hanako, Sato" NIL "hanako" "sci.univ.example")("Jiro Suzuki" NIL "jiro" "univ.example")) ' +
        '((NIL NIL "Team" NIL)(NIL NIL "alice" "univ.example")(NIL NIL "bob" "univ.example")(NIL NIL NIL NIL)) NIL "<prev@univ.example>" "<20261103.1@eng.univ.example>")',
    );
  });

  it('sends 8-bit and escape bytes as literals, untouched', () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: '),
      Buffer.from('日本語', 'utf8'),
      Buffer.from('\r\nFrom: \x1b$B%F%9%H\x1b(B <t@x.example>\r\n\r\n'),
    ]);
    const envelope = formatEnvelope(parseMimeTree(raw).fields);
    const subjectBytes = Buffer.from('日本語', 'utf8').toString('latin1');
    expect(envelope).toContain(`{${subjectBytes.length}}\r\n${subjectBytes}`);
    expect(envelope).toContain('{12}\r\n\x1b$B%F%9%H\x1b(B NIL "t" "x.example"');
  });

  it('reads obsolete and odd address forms', () => {
    expect(
      parseAddressList(
        '"Quoted \\"Name\\"" <q@x.example>, <@relay.example:r@x.example>, nodomain, (only comment) c@x.example',
      ),
    ).toEqual([
      { name: 'Quoted "Name"', mailbox: 'q', host: 'x.example', adl: undefined },
      { name: undefined, adl: '@relay.example', mailbox: 'r', host: 'x.example' },
      { name: undefined, mailbox: 'nodomain', host: '' },
      { name: 'only comment', mailbox: 'c', host: 'x.example' },
    ]);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual([{ mailbox: 'undisclosed-recipients' }, {}]);
    expect(() => parseAddressList('<<<@@@,,,;;;:::"((((')).not.toThrow();
    // A stray ")" once made the tokenizer loop forever (found by the fuzz test).
    expect(parseAddressList('a) b@x.example')).toEqual([
      { name: undefined, mailbox: 'ab', host: 'x.example' },
    ]);
  });
});

describe('body sections', () => {
  it('resolves part numbers, MIME headers and encapsulated messages as Dovecot does', () => {
    expect(section(mixedMessage, '1.1')).toBe('Hello =E4=BC=9A=E8=AD=B0\r\nsecond line');
    expect(section(mixedMessage, '1.2.MIME')).toBe(
      'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\nContent-Language: ja, en\r\n\r\n',
    );
    expect(section(mixedMessage, '2')).toBe('JVBERi0xLjQK');
    expect(section(mixedMessage, '3.HEADER')).toBe(
      'From: Hanako <hanako@sci.univ.example>\r\nTo: taro.yamada@eng.univ.example\r\nSubject: inner\r\nDate: Mon, 2 Nov 2026 18:00:00 +0900\r\nContent-Type: multipart/mixed; boundary=b2\r\n\r\n',
    );
    expect(section(mixedMessage, '3.1')).toBe('implicit text/plain part');
    expect(section(mixedMessage, '3.2.MIME')).toBe(
      'Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n',
    );
    expect(section(mixedMessage, '3.1.MIME')).toBe('\r\n');
    expect(section(mixedMessage, '4')).toBeUndefined();
    expect(section(mixedMessage, '1.HEADER')).toBeUndefined();
    expect(section(bareMessage, '1')).toBe('Just text\r\n');
    expect(section(bareMessage, '1.MIME')).toBe('Subject: bare\r\n\r\n');
    expect(section(bareMessage, '2')).toBeUndefined();
    expect(section(digestMessage, '1.1')).toBe('first');
    expect(section(digestMessage, '1.TEXT')).toBe('first');
  });

  it('selects header fields with their folded lines, in message order', () => {
    expect(section(mixedMessage, 'HEADER.FIELDS (Subject From)')).toBe(
      'From: =?UTF-8?B?5bGx55Sw5aSq6YOO?= <taro.yamada@eng.univ.example>\r\nSubject: =?UTF-8?B?5Lya6K2w44Gu6LOH5paZ?=\r\n  (Meeting notes)\r\n\r\n',
    );
    expect(section(mixedMessage, 'HEADER.FIELDS.NOT (From Subject Return-Path Date To Cc)')).toBe(
      'Message-ID: <20261103.1@eng.univ.example>\r\nIn-Reply-To: <prev@univ.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="outer"\r\n\r\n',
    );
  });
});

describe('text for SEARCH', () => {
  it('decodes encoded-words: B and Q, split multi-byte characters, ISO-2022-JP, raw UTF-8', () => {
    expect(decodeHeaderValue('=?UTF-8?B?5Lya6K2w?= =?UTF-8?Q?=E3=81=AE_notes?=')).toBe('会議の notes');
    // 会 split across two words: its UTF-8 bytes are joined before decoding.
    expect(decodeHeaderValue('=?utf-8?B?5Lw=?= =?utf-8?B?muitsA==?=')).toBe('会議');
    expect(
      decodeHeaderValue('=?ISO-2022-JP?B?GyRCMnE1RBsoQg==?= =?ISO-2022-JP?B?GyRCJDMkcyRLJEEkTxsoQg==?='),
    ).toBe('会議こんにちは');
    expect(
      decodeHeaderValue(Buffer.from('Re: 日本語 and =?UTF-8?B?5Lya6K2w?=', 'utf8').toString('latin1')),
    ).toBe('Re: 日本語 and 会議');
    expect(decodeHeaderValue('\x1b$B2q5D\x1b(B')).toBe('会議');
  });

  it('decodes bodies: ISO-2022-JP text, quoted-printable, nested messages', () => {
    expect(new SearchableMessage(japaneseMessage).bodyText()).toContain('こんにちは');
    const mixed = new SearchableMessage(mixedMessage);
    expect(mixed.bodyText()).toContain('hello 会議');
    expect(mixed.bodyText()).toContain('implicit text/plain part');
    expect(mixed.headerValues('subject')[0]).toBe('会議の資料  (meeting notes)');
  });
});
