/**
 * The director's POP3 proxy in front of two real store agents: Python's poplib logs in through the
 * proxy (USER/PASS after STLS, and POP3_SSL) as a store01 and a store02 user and reads mail
 * delivered over LMTP; wrong passwords get -ERR [AUTH], held users -ERR [IN-USE], a stopped store
 * -ERR [SYS/TEMP] while other users are still served; kick closes the relayed session.
 */
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Proxy } from '../../../../agent/mail/proxy/pop3-proxy.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type ProxyTestFleet, RawClient, startProxyTestFleet } from './proxy-test-fleet.js';

const run = promisify(execFile);
const { alice, bob, dave } = storeUsers;

let fleet: ProxyTestFleet;
let proxy: Pop3Proxy;

// poplib: log in, read every message's Subject, quit; prints JSON (or the server's error).
const poplibScript = `
import json, poplib, ssl, sys
mode, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
try:
    if mode == 'ssl':
        box = poplib.POP3_SSL('127.0.0.1', port, context=context, timeout=20)
    else:
        box = poplib.POP3('127.0.0.1', port, timeout=20)
        box.stls(context=context)
    box.user(user)
    box.pass_(password)
    count, size = box.stat()
    subjects = []
    for number in range(1, count + 1):
        lines = box.retr(number)[1]
        subjects += [l.decode()[9:] for l in lines if l.startswith(b'Subject: ')]
    box.quit()
    print(json.dumps({'ok': True, 'subjects': subjects}))
except poplib.error_proto as error:
    print(json.dumps({'ok': False, 'error': error.args[0].decode()}))
`;

async function poplib(mode: 'stls' | 'ssl', user: string, password: string) {
  const port = mode === 'ssl' ? proxy.tlsPort : proxy.port;
  const { stdout } = await run('python3', ['-c', poplibScript, mode, String(port), user, password]);
  return JSON.parse(stdout) as { ok: true; subjects: string[] } | { ok: false; error: string };
}

async function rawLogin(user: string, password: string): Promise<string> {
  const raw = await RawClient.connect(proxy.port as number);
  raw.send(`USER ${user}\r\n`);
  await raw.until(/\+OK send PASS\r\n/);
  raw.send(`PASS ${password}\r\n`);
  const reply = await raw.until(/PASS\r\n([^\r]*)\r\n/);
  raw.close();
  return reply[1] ?? '';
}

beforeAll(async () => {
  fleet = await startProxyTestFleet();
  proxy = new Pop3Proxy(await fleet.proxyOptions());
  await proxy.start();
  await fleet.deliver('store01', alice.mail, 'pop for alice');
  await fleet.deliver('store02', bob.mail, 'pop for bob');
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await fleet?.stop();
});

describe('POP3 proxy', () => {
  it('lets poplib read a store01 user and a store02 user through the proxy', async () => {
    expect(await poplib('stls', alice.mail, alice.password)).toEqual({
      ok: true,
      subjects: ['pop for alice'],
    });
    expect(await poplib('ssl', bob.mail, bob.password)).toEqual({ ok: true, subjects: ['pop for bob'] });
  });

  it('answers CAPA itself and AUTH PLAIN with an initial response', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send('CAPA\r\n');
    await raw.until(/\r\n\.\r\n/);
    expect(raw.received).toMatch(/\r\nSTLS\r\n/);
    expect(raw.received).toMatch(/\r\nSASL PLAIN\r\n/);
    raw.send(`AUTH PLAIN ${Buffer.from(`\0${dave.mail}\0${dave.password}`).toString('base64')}\r\n`);
    await raw.until(/\r\n\.\r\n\+OK [^\r]*\r\n/);
    raw.send('STAT\r\n');
    await raw.until(/\r\n\+OK 0 0\r\n/);
    raw.close();
  });

  it('passes commands pipelined after the login on to the store', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(`USER ${alice.mail}\r\nPASS ${alice.password}\r\nSTAT\r\nQUIT\r\n`);
    await raw.until(/\r\n\+OK 1 \d+\r\n\+OK [^\r]*\r\n/);
    expect(await raw.closed()).toBe(true);
  });

  it('refuses a wrong password and an unknown user with -ERR [AUTH]', async () => {
    expect(await poplib('stls', alice.mail, 'wrong')).toEqual({
      ok: false,
      error: '-ERR [AUTH] wrong user name or password',
    });
    expect(await rawLogin('nobody@beta.example', 'x')).toBe('-ERR [AUTH] wrong user name or password');
  });

  it('refuses a held user with -ERR [IN-USE] until released', async () => {
    proxy.hold(dave.mail);
    expect(await rawLogin(dave.mail, dave.password)).toMatch(/^-ERR \[IN-USE\] .*being moved/);
    proxy.release(dave.mail);
    expect(await rawLogin(dave.mail, dave.password)).toMatch(/^\+OK/);
  });

  it('kick closes the relayed session', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(`USER ${alice.mail}\r\nPASS ${alice.password}\r\n`);
    await raw.until(/\+OK send PASS\r\n\+OK [^\r]*\r\n/);
    await waitFor(() => proxy.sessions().length === 1);
    expect(proxy.sessions()[0]).toMatchObject({ protocol: 'pop3', user: alice.mail, storeNode: 'store01' });
    expect(proxy.kick(alice.mail)).toBe(1);
    raw.send('STAT\r\n');
    await waitFor(() => proxy.sessions().length === 0);
    const closed = await raw.closed();
    expect(closed).toBe(true);
  });

  it('drops overlong lines and junk before login and keeps serving', async () => {
    const raw = await RawClient.connect(proxy.port as number);
    raw.send(`USER ${'x'.repeat(100_000)}\r\n`);
    await raw.until(/\r\n-ERR line too long\r\n/);
    raw.send('RETR 1\r\nCAPA\r\n');
    await raw.until(/-ERR unknown command RETR[^\r]*\r\n\+OK capability list follows/);
    raw.close();
    expect(await rawLogin(dave.mail, dave.password)).toMatch(/^\+OK/);
  });

  it('refuses connections beyond maxConnections', async () => {
    const small = new Pop3Proxy({
      ...(await fleet.proxyOptions()),
      tlsPort: undefined,
      limits: { maxConnections: 1 },
    });
    await small.start();
    try {
      const first = await RawClient.connect(small.port as number);
      const second = connect(small.port as number, '127.0.0.1');
      second.on('error', () => undefined);
      let greeted = false;
      second.on('data', () => {
        greeted = true;
      });
      await new Promise((resolve) => second.once('close', resolve));
      expect(greeted).toBe(false);
      first.send('QUIT\r\n');
      expect(await first.closed()).toBe(true);
    } finally {
      await small.stop();
    }
  });

  it('answers -ERR [SYS/TEMP] for a stopped store and keeps serving the others', async () => {
    await fleet.agents.get('store02')?.stop();
    expect(await rawLogin(bob.mail, bob.password)).toBe(
      '-ERR [SYS/TEMP] the mail store store02 is not available: try again later',
    );
    expect(await poplib('stls', alice.mail, alice.password)).toEqual({
      ok: true,
      subjects: ['pop for alice'],
    });
  });
});

async function waitFor(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 10));
}
