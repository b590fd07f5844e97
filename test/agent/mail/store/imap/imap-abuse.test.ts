/**
 * Abuse of the server as a whole: floods of pipelined commands, a client that never reads, login
 * brute force, STARTTLS command injection, idle connections and too many of them. Each case ends
 * in a clear protocol answer or a clean close, and another client is served all the while.
 */
import { connect as connectTls } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ImapTestServer,
  makeTestCertificate,
  makeTestDir,
  startImapTestServer,
  testUsers,
} from './support/imap-test-server.js';
import { RawImapClient } from './support/raw-imap-client.js';

const limits = {
  maxLineBytes: 8 * 1024,
  maxLiteralBytes: 8 * 1024,
  maxAppendBytes: 1024 * 1024,
  maxDiscardBytes: 64 * 1024,
  maxFailedLogins: 3,
};

describe('IMAP abuse', () => {
  let imap: ImapTestServer;
  let bystander: RawImapClient;
  let certificate: ReturnType<typeof makeTestCertificate>;

  /** Another client, logged in before the test, still gets answers. */
  async function othersServed(): Promise<void> {
    const { tagged } = await bystander.command('NOOP');
    expect(tagged).toBe('OK NOOP completed');
    const fresh = await RawImapClient.connect(imap.server.port);
    await fresh.login('jiro@univ.example', testUsers['jiro@univ.example']!);
    expect((await fresh.command('SELECT INBOX')).tagged).toMatch(/^OK \[READ-WRITE\]/);
    fresh.close();
  }

  async function loggedIn(user = 'taro@univ.example'): Promise<RawImapClient> {
    const client = await RawImapClient.connect(imap.server.port);
    await client.login(user, testUsers[user]!);
    return client;
  }

  beforeAll(async () => {
    certificate = makeTestCertificate(await makeTestDir('imap-bad-cert-'));
    imap = await startImapTestServer({ limits, tls: certificate });
    bystander = await loggedIn('hanako@univ.example');
    await bystander.command('SELECT INBOX');
  });

  afterAll(async () => {
    bystander.close();
    await imap.stop();
  });

  it('processes 100,000 pipelined commands in order, pausing its reading meanwhile', async () => {
    const client = await loggedIn();
    const count = 100_000;
    let input = '';
    for (let i = 0; i < count; i++) input += `p${i} NOOP\r\n`;
    client.send(input);
    // While the flood is being answered, another client is served.
    await othersServed();
    let next = 0;
    while (next < count) {
      const line = await client.readLine(30_000);
      expect(line).toBe(`p${next} OK NOOP completed`);
      next++;
    }
    expect((await client.command('NOOP')).tagged).toBe('OK NOOP completed');
    client.close();
  });

  it('stops reading from a client that does not read its answers (no unbounded output buffer)', async () => {
    const client = await loggedIn();
    const big = `From: big@univ.example\r\nSubject: big\r\n\r\n${'x'.repeat(200_000)}\r\n`;
    client.send(`b0 APPEND INBOX {${big.length}+}\r\n${big}\r\n`);
    expect((await client.readUntilTagged('b0')).at(-1)).toMatch(/^b0 OK \[APPENDUID/);
    await client.command('SELECT INBOX');
    // 500,000 FETCHes of 200 KB would be 100 GB of answers; the client reads none of them.
    const chunk: string[] = [];
    // Enough requests (14 MB) to fill the kernel's socket buffers in both directions.
    for (let i = 0; i < 500_000; i++) chunk.push(`f${i} FETCH 1 BODY.PEEK[]\r\n`);
    client.socket.pause();
    client.send(chunk.join(''));
    // The server stops taking commands once its output cannot drain: our side keeps what it could not send.
    for (let i = 0; i < 100 && client.socket.writableLength === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(client.socket.writableLength).toBeGreaterThan(0);
    await othersServed();
    client.close();
    await othersServed();
  });

  it('closes a connection after 3 failed logins, and maps the authenticator throttle to NO [UNAVAILABLE]', async () => {
    // Its own server: the throttle below would refuse the other tests' logins from 127.0.0.1.
    const guarded = await startImapTestServer({ limits, throttleAfter: 6 });
    try {
      const client = await RawImapClient.connect(guarded.server.port);
      for (let i = 1; i <= 2; i++) {
        expect((await client.command(`LOGIN taro@univ.example wrong${i}`)).tagged).toBe(
          'NO [AUTHENTICATIONFAILED] Authentication failed',
        );
      }
      client.send('a3 LOGIN taro@univ.example wrong3\r\na4 LOGIN taro@univ.example taro-secret\r\n');
      expect(await client.readLine()).toBe('a3 NO [AUTHENTICATIONFAILED] Authentication failed');
      expect(await client.readLine()).toBe('* BYE Too many failed logins on this connection');
      await client.waitClosed();
      // The pipelined fourth attempt never reached the authenticator.
      expect(guarded.attempts.length).toBe(3);
      // The injected authenticator throttles this address after 6 failures (over two connections).
      const again = await RawImapClient.connect(guarded.server.port);
      for (let i = 0; i < 3; i++) await again.command('LOGIN nobody@univ.example wrong');
      await again.waitClosed();
      const third = await RawImapClient.connect(guarded.server.port);
      const { tagged } = await third.command('LOGIN taro@univ.example taro-secret');
      expect(tagged).toBe('NO [UNAVAILABLE] Too many failed logins; try again in 30 s');
      expect(guarded.server.counters.failedLogins).toBe(7);
      expect(guarded.server.counters.logins).toBe(0);
      third.close();
      await othersServed();
    } finally {
      await guarded.stop();
    }
  });

  it('ignores commands pipelined after STARTTLS in clear text (CVE-2011-0411 class)', async () => {
    const client = await RawImapClient.connect(imap.server.port);
    client.send('s1 STARTTLS\r\ns2 LOGIN taro@univ.example taro-secret\r\n');
    expect(await client.readLine()).toBe('s1 OK Begin TLS negotiation now');
    const secure = connectTls({ socket: client.socket, ca: certificate.cert, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      secure.on('data', (data: Buffer) => {
        text += data.toString();
        if (text.includes('s3 ')) resolve(text);
      });
      secure.write('s3 CAPABILITY\r\n');
    });
    expect(answer).not.toContain('s2');
    expect(answer).toMatch(/\* CAPABILITY IMAP4rev1 .*AUTH=PLAIN/);
    expect(answer).not.toContain('STARTTLS');
    secure.destroy();
    await othersServed();
  });

  it('logs out idle clients: before login quickly, after login later', async () => {
    const quick = await startImapTestServer({ limits: { preAuthTimeoutMs: 200, idleTimeoutMs: 400 } });
    try {
      const anonymous = await RawImapClient.connect(quick.server.port);
      expect(await anonymous.readLine()).toBe('* BYE Autologout; idle for too long');
      await anonymous.waitClosed();
      const user = await RawImapClient.connect(quick.server.port);
      await user.login('taro@univ.example', 'taro-secret');
      expect(await user.readLine()).toBe('* BYE Autologout; idle for too long');
      await user.waitClosed();
    } finally {
      await quick.stop();
    }
  });

  it('greets connections over the limit with BYE', async () => {
    const small = await startImapTestServer({ limits: { maxConnections: 2 } });
    try {
      const first = await RawImapClient.connect(small.server.port);
      const second = await RawImapClient.connect(small.server.port);
      const third = await RawImapClient.connect(small.server.port);
      expect(third.greeting).toBe('* BYE Too many connections, try again later');
      await third.waitClosed();
      expect((await first.command('NOOP')).tagged).toBe('OK NOOP completed');
      first.close();
      second.close();
    } finally {
      await small.stop();
    }
  });
});
