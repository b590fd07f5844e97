/**
 * COMPRESS=DEFLATE (RFC 4978): imapflow turns it on by itself (plain and over implicit TLS) and
 * runs a session through it; raw compressed lines for what a client could get wrong: data sent
 * right after the command, a second COMPRESS, a client that stops reading, a compression bomb.
 */
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { constants, createDeflateRaw, createInflateRaw, type DeflateRaw } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ImapTestServer,
  makeTestCertificate,
  makeTestDir,
  startImapTestServer,
  testUsers,
} from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';
import { recordingImapFlow } from './support/recording-imapflow.js';

/** A connection that logs in, sends COMPRESS DEFLATE and then talks DEFLATE both ways. */
class CompressedClient {
  private text = '';
  private ended = false;
  private readonly deflate: DeflateRaw = createDeflateRaw();
  private waiter: (() => void) | undefined;

  private constructor(readonly socket: Socket) {}

  static async open(port: number, user: string, early = ''): Promise<CompressedClient> {
    const raw = await RawImapClient.connect(port);
    await raw.login(user, testUsers[user]!);
    const client = new CompressedClient(raw.socket);
    raw.socket.removeAllListeners('data');
    const inflate = createInflateRaw();
    raw.socket.on('data', (chunk: Buffer) => {
      // Until the OK the answer is plain; from the byte after it everything is compressed.
      if (client.deflateOn) inflate.write(chunk);
      else client.plain(chunk, inflate);
    });
    inflate.on('data', (chunk: Buffer) => client.received(chunk.toString('latin1')));
    // Closed once the inflater has given out everything the server sent before it hung up.
    const closed = (): void => {
      client.ended = true;
      client.waiter?.();
    };
    raw.socket.on('close', () => {
      if (client.deflateOn) inflate.end();
      else closed();
    });
    inflate.on('end', closed);
    inflate.on('error', closed);
    client.deflate.pipe(raw.socket);
    raw.send('z1 COMPRESS DEFLATE\r\n');
    // Commands pipelined right behind COMPRESS (RFC 4978 lets a client start at once): compressed.
    if (early !== '') client.sendCompressed(early);
    await client.until(/^z1 OK .*$/m, true);
    return client;
  }

  private deflateOn = false;
  private plainText = '';

  private plain(chunk: Buffer, inflate: ReturnType<typeof createInflateRaw>): void {
    this.plainText += chunk.toString('latin1');
    const end = this.plainText.indexOf('\r\n', this.plainText.indexOf('z1 OK'));
    if (this.plainText.includes('z1 OK') && end !== -1) {
      this.deflateOn = true;
      const rest = Buffer.from(this.plainText.slice(end + 2), 'latin1');
      this.received(this.plainText.slice(0, end + 2));
      if (rest.length > 0) inflate.write(rest);
    }
  }

  private received(text: string): void {
    this.text += text;
    this.waiter?.();
  }

  sendCompressed(data: string): void {
    this.deflate.write(Buffer.from(data, 'utf8'));
    this.deflate.flush(constants.Z_SYNC_FLUSH);
  }

  /** Waits until the text received matches; returns the match and drops what came before it. */
  async until(pattern: RegExp, plainPhase = false, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.text);
      if (match && (plainPhase || this.deflateOn)) {
        this.text = this.text.slice((match.index ?? 0) + match[0].length);
        return match;
      }
      if (this.ended) throw new Error(`closed before ${pattern}; got ${this.text.slice(-300)}`);
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${pattern}; got ${this.text.slice(-300)}`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  async command(tag: string, text: string): Promise<string> {
    this.sendCompressed(`${tag} ${text}\r\n`);
    return (await this.until(new RegExp(`^[\\s\\S]*?^${tag} .*$`, 'm')))[0];
  }

  get closed(): boolean {
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('COMPRESS=DEFLATE', () => {
  let imap: ImapTestServer;
  let certDir: string;

  beforeAll(async () => {
    certDir = await makeTestDir('imap-compress-');
    imap = await startImapTestServer({ tls: makeTestCertificate(certDir), tlsPort: 0 });
  });

  afterAll(async () => {
    await imap.stop();
  });

  for (const secure of [false, true]) {
    it(`imapflow compresses a whole session${secure ? ' over implicit TLS' : ''}`, async () => {
      const { client, sent } = recordingImapFlow({
        host: '127.0.0.1',
        port: secure ? imap.server.tlsPort! : imap.server.port,
        secure,
        tls: { rejectUnauthorized: false },
        auth: { user: 'taro@univ.example', pass: testUsers['taro@univ.example']! },
      });
      await client.connect();
      try {
        expect(sent.some((line) => / COMPRESS DEFLATE$/.test(line))).toBe(true);
        const body = '会議の資料を送ります。\r\n'.repeat(5000);
        const message = `From: taro@univ.example\r\nSubject: big\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${body}`;
        const folder = secure ? 'Compressed-TLS' : 'Compressed';
        await client.mailboxCreate(folder);
        await client.append(folder, message);
        const lock = await client.getMailboxLock(folder);
        try {
          const fetched = await client.fetchOne('*', { source: true, uid: true });
          if (!fetched) throw new Error('message not found');
          expect(fetched.source!.toString('utf8')).toBe(message);
          expect(await client.search({ body: '資料' })).toEqual([1]);
        } finally {
          lock.release();
        }
      } finally {
        await client.logout();
      }
    });
  }

  it('reads commands sent right behind COMPRESS, and refuses a second COMPRESS and bad ones', async () => {
    const client = await CompressedClient.open(imap.server.port, 'hanako@univ.example', 'e1 NOOP\r\n');
    expect((await client.until(/^e1 .*$/m))[0]).toMatch(/^e1 OK NOOP completed/);
    expect(await client.command('c1', 'COMPRESS DEFLATE')).toMatch(
      /c1 NO \[COMPRESSIONACTIVE\] DEFLATE is already active$/,
    );
    expect(await client.command('c2', 'SELECT INBOX')).toMatch(
      /\* OK \[UIDNEXT 1\][\s\S]*c2 OK \[READ-WRITE\]/,
    );
    expect(await client.command('c3', 'LOGOUT')).toMatch(/\* BYE [\s\S]*c3 OK LOGOUT completed$/);
    client.close();
    const plain = await RawImapClient.connect(imap.server.port);
    expect((await plain.command('COMPRESS DEFLATE')).tagged).toBe('BAD COMPRESS is not allowed before login');
    await plain.login('hanako@univ.example', testUsers['hanako@univ.example']!);
    expect((await plain.command('COMPRESS GZIP')).tagged).toBe(
      'BAD Unknown compression mechanism GZIP (DEFLATE)',
    );
    plain.close();
  });

  it('stops taking commands from a compressed client that does not read its answers', async () => {
    const server = await startImapTestServer();
    try {
      const raw = await RawImapClient.connect(server.server.port);
      await raw.login('taro@univ.example', testUsers['taro@univ.example']!);
      // Random bytes in base64: about 150 KB per answer even compressed.
      const big = `Subject: big\r\n\r\n${randomBytes(150_000).toString('base64')}\r\n`;
      await raw.command(`APPEND INBOX {${big.length}+}\r\n${big}`);
      raw.close();
      const client = await CompressedClient.open(server.server.port, 'taro@univ.example');
      await client.command('s1', 'SELECT INBOX');
      client.socket.pause();
      const before = server.server.counters.commands;
      // 100,000 FETCHes compress to a few hundred KB; their answers would be 15 GB.
      const chunk: string[] = [];
      for (let i = 0; i < 100_000; i++) chunk.push(`f${i} FETCH 1 BODY.PEEK[]\r\n`);
      client.sendCompressed(chunk.join(''));
      // Wait until the server stops taking commands (its output is blocked), then count them.
      let taken = -1;
      for (let i = 0; i < 40 && taken !== server.server.counters.commands - before; i++) {
        taken = server.server.counters.commands - before;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      // A few answers fill the buffers of both sides; the other 99,000 commands are not even inflated.
      expect(taken).toBeGreaterThan(0);
      expect(taken).toBeLessThan(1000);
      client.close();
    } finally {
      await server.stop();
    }
  });

  it('hangs up on a compression bomb (a line that never ends) without holding it', async () => {
    const warnings: string[] = [];
    const server = await startImapTestServer({
      limits: { maxDiscardBytes: 1024 * 1024 },
      log: { info: () => {}, warn: (msg) => warnings.push(msg), error: (msg) => warnings.push(msg) },
    });
    try {
      const client = await CompressedClient.open(server.server.port, 'jiro@univ.example');
      // 64 MiB of one line, about 64 KiB compressed.
      const block = 'a'.repeat(1024 * 1024);
      for (let i = 0; i < 64 && !client.closed; i++) {
        client.sendCompressed(block);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await client.until(/\* BYE .*$/m);
      const other = await RawImapClient.connect(server.server.port);
      await other.login('hanako@univ.example', testUsers['hanako@univ.example']!);
      other.close();
      client.close();
      // Hanging up in the middle of a compressed stream is an ordinary end, not a fault to log.
      expect(warnings).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});
