/**
 * BINARY (RFC 3516): imapflow appends a message with NUL bytes as a literal8 and reads parts back
 * with FETCH BINARY (whole and in chunks); raw lines for BINARY.SIZE, partial ranges, an unknown
 * transfer encoding and refusals. Unit cases for quoted-printable and the base64 re-encoding.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBinaryParts } from '../../../../../agent/mail/store/imap/binary-content.js';
import { parseMimeTree } from '../../../../../agent/mail/store/imap/mime-tree.js';
import { decodeQuotedPrintable } from '../../../../../agent/mail/store/imap/text-decoding.js';
import { type ImapTestServer, startImapTestServer, testUsers } from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';

/** 2 KiB of every byte value, NUL included. */
const payload = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256));

function binaryMessage(): Buffer {
  return Buffer.concat([
    Buffer.from(
      'From: taro@univ.example\r\nSubject: data\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n' +
        '--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n測定データです\r\n' +
        '--b\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n',
    ),
    payload,
    Buffer.from('\r\n--b--\r\n'),
  ]);
}

const qpMessage =
  'Subject: qp\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="q"\r\n\r\n' +
  '--q\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nhello  \r\nsoft=\r\nbreak =E3=81=82\r\n' +
  '--q\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\nbegin 644 x\r\n' +
  '--q--\r\n';

describe('BINARY', () => {
  let imap: ImapTestServer;

  beforeAll(async () => {
    imap = await startImapTestServer();
  });

  afterAll(async () => {
    await imap.stop();
  });

  it('imapflow appends NUL bytes as literal8 and gets them back with FETCH BINARY, while BODY[] stays 7-bit', async () => {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port: imap.server.port,
      secure: false,
      auth: { user: 'taro@univ.example', pass: testUsers['taro@univ.example']! },
      logger: false,
    });
    await client.connect();
    try {
      // The server refuses NUL bytes in a plain literal (below): accepted means imapflow sent a literal8.
      const appended = await client.append('INBOX', binaryMessage(), ['\\Seen']);
      expect(appended).toMatchObject({ uid: 1 });
      await client.mailboxOpen('INBOX');
      const message = await client.fetchOne('1', { bodyParts: ['1', '2'] }, { binary: true });
      if (!message) throw new Error('message not found');
      expect(message.binaryParts).toEqual(new Set(['1', '2']));
      expect(message.bodyParts?.get('2')).toEqual(payload);
      expect(message.bodyParts?.get('1')?.toString('utf8')).toBe('測定データです');
      // Chunked download: BINARY.PEEK[2]<offset.length> pieces put back together.
      const download = await client.download('1', '2', { binary: true, chunkSize: 500 });
      const chunks: Buffer[] = [];
      for await (const chunk of download.content!) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks)).toEqual(payload);
      // Stored as base64: what an IMAP4rev1 client or POP3 reads has no NUL byte.
      const plain = await client.fetchOne('1', { source: true });
      if (!plain) throw new Error('message not found');
      expect(plain.source!.includes(0)).toBe(false);
      expect(plain.source!.toString('latin1')).toContain(
        `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${payload.toString('base64').slice(0, 76)}\r\n`,
      );
    } finally {
      await client.logout();
    }
  });

  it('answers BINARY.SIZE, partial ranges and quoted-printable, and refuses what it cannot do', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    await client.login('hanako@univ.example', testUsers['hanako@univ.example']!);
    await client.command(`APPEND INBOX {${Buffer.byteLength(qpMessage)}+}\r\n${qpMessage}`);
    await client.command('SELECT INBOX');
    const decoded = 'hello\r\nsoftbreak あ';
    const size = Buffer.byteLength(decoded);
    expect((await client.command('FETCH 1 (BINARY.SIZE[1] BINARY.PEEK[1]<5.5>)')).untagged).toEqual([
      `* 1 FETCH (BINARY.SIZE[1] ${size} BINARY[1]<5> {5}\r\n\r\nsof)`,
    ]);
    expect((await client.command('FETCH 1 (BINARY.SIZE[])')).untagged).toEqual([
      `* 1 FETCH (BINARY.SIZE[] ${Buffer.byteLength(qpMessage)})`,
    ]);
    expect((await client.command('FETCH 1 (FLAGS)')).untagged).toEqual(['* 1 FETCH (FLAGS (\\Recent))']);
    // Not PEEK: the message is now \Seen, and its flags are reported.
    expect((await client.command('FETCH 1 (BINARY[1])')).untagged[0]).toMatch(/FLAGS \(\\Seen \\Recent\)\)$/);
    expect((await client.command('FETCH 1 (BINARY.PEEK[2])')).tagged).toMatch(/^NO \[UNKNOWN-CTE\] Part 2 /);
    for (const [command, answer] of [
      ['FETCH 1 (BINARY.PEEK[1.HEADER])', /^BAD BINARY.PEEK\[\] takes part numbers only/],
      ['FETCH 1 (BINARY.SIZE[1]<0.10>)', /^BAD BINARY.SIZE takes no partial range/],
      ['SEARCH SUBJECT ~{2}\r\nqp', /^BAD literal8 \(~\{n\}\) is only allowed in APPEND/],
    ] as const) {
      const tag = 'x1';
      const [first, ...rest] = command.split('\r\n');
      if (rest.length > 0) {
        client.send(`${tag} ${first}\r\n`);
        expect(await client.readLine()).toMatch(/^\+ /);
        client.send(`${rest.join('\r\n')}\r\n`);
      } else {
        client.send(`${tag} ${command}\r\n`);
      }
      const lines = await client.readUntilTagged(tag);
      expect(lines.at(-1)!.slice(tag.length + 1)).toMatch(answer);
    }
    // NUL bytes in a plain literal, or in a header even as literal8, cannot be stored.
    expect((await client.command('APPEND INBOX {9+}\r\nA: \0\r\n\r\nx')).tagged).toMatch(
      /^NO \[CANNOT\] Message contains NUL/,
    );
    expect((await client.command('APPEND INBOX ~{9+}\r\nA: \0\r\n\r\nx')).tagged).toMatch(
      /^NO \[CANNOT\] NUL bytes outside a MIME body part/,
    );
    client.close();
  });
});

describe('binary content', () => {
  it.each([
    ['hello  \r\nbar=\r\n\r\n', 'hello\r\nbar\r\n'],
    ['foo\t=\r\nbar', 'foo\tbar'],
    ['foo\t \t= \r\n=62\r\n', 'foo\t \tb\r\n'],
    ['foo = \t\r\nbar', 'foo bar'],
    ['a=3Db=\nc', 'a=bc'],
    ['broken =4 and =ZZ=', 'broken =4 and =ZZ'],
    ['=E6=B8=AC', '測'],
  ])('quoted-printable %j', (encoded, text) => {
    expect(decodeQuotedPrintable(encoded).toString('utf8')).toBe(text);
  });

  it('keeps underscores in bodies and turns them into spaces in encoded-words', () => {
    expect(decodeQuotedPrintable('a_b').toString()).toBe('a_b');
    expect(decodeQuotedPrintable('RE:_C=3F', true).toString()).toBe('RE: C?');
  });

  it('re-encodes a single-part binary message, adding MIME-Version, and leaves others as they are', () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: x\r\nContent-Transfer-Encoding: binary\r\n\r\n'),
      Buffer.from([0, 1, 2]),
    ]);
    const stored = encodeBinaryParts(raw).toString('latin1');
    expect(stored).toBe(
      'MIME-Version: 1.0\r\nSubject: x\r\nContent-Transfer-Encoding: base64\r\n\r\nAAEC\r\n',
    );
    const text = Buffer.from('Subject: y\r\n\r\nplain\r\n');
    expect(encodeBinaryParts(text)).toBe(text);
    // The structure is intact after re-encoding a part in the middle.
    const tree = parseMimeTree(encodeBinaryParts(binaryMessage()));
    expect(tree.children.map((part) => `${part.type}/${part.subtype}`)).toEqual([
      'text/plain',
      'application/octet-stream',
    ]);
  });
});
