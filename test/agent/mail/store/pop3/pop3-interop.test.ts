/**
 * The POP3 server with clients no one here wrote: Python's poplib (STLS, USER/PASS, STAT, LIST,
 * UIDL, RETR, TOP, DELE, QUIT; POP3_SSL) and curl's pop3:// and pop3s:// URLs, over MaildirStorage
 * and directory logins.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Server } from '../../../../../agent/mail/store/pop3/pop3-server.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { type StoreTestFixture, startStoreFixture } from '../../../../support/store-test-fixture.js';

const run = promisify(execFile);
const { alice, carol } = storeUsers;

let fixture: StoreTestFixture;
let server: Pop3Server;

const messages = [
  'From: a@example.org\nTo: alice@alpha.example\nSubject: first\n\nline one\n.leading dot\n..two dots\nend\n',
  'From: b@example.org\nTo: alice@alpha.example\nSubject: second\nX-Extra: yes\n\nbody 1\nbody 2\nbody 3\n',
  'From: c@example.org\nTo: alice@alpha.example\nSubject: =?UTF-8?B?5pel5pys6Kqe?=\n\n日本語の本文\n',
];

beforeAll(async () => {
  fixture = await startStoreFixture();
  for (const text of messages) await fixture.deliver(alice.mail, text);
  await fixture.deliver(carol.mail, 'Subject: for carol\n\nhello carol\n');
  server = new Pop3Server({
    host: '127.0.0.1',
    port: 0,
    tlsPort: 0,
    tls: fixture.certificates.credentials,
    storage: fixture.storage,
    authenticate: fixture.authenticator.authenticate,
    hostname: 'store01.test',
  });
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  await fixture?.stop();
});

/** Runs a python3 poplib script; it prints one JSON document. */
async function python(script: string, env: Record<string, string>): Promise<Record<string, unknown>> {
  const { stdout } = await run('python3', ['-c', script], {
    env: { ...process.env, HOST: '127.0.0.1', CAFILE: fixture.certificates.caFile, ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

const fullSession = `
import json, os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ['CAFILE'])
out = {}
p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
out['welcome'] = p.getwelcome().decode()
out['capa_plain'] = sorted(p.capa().keys())
out['stls'] = p.stls(ctx).decode()
out['capa_tls'] = sorted(p.capa().keys())
p.user(os.environ['POP_USER'])
out['pass'] = p.pass_(os.environ['POP_PASS']).decode()
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['uidl'] = [l.decode() for l in p.uidl()[1]]
out['uidl2'] = p.uidl(2).decode()
out['retr1'] = [l.decode() for l in p.retr(1)[1]]
out['top2'] = [l.decode() for l in p.top(2, 1)[1]]
out['retr3'] = [l.decode('utf-8') for l in p.retr(3)[1]]
out['dele'] = p.dele(1).decode()
out['stat_after_dele'] = list(p.stat())
try:
    p.retr(1)
except poplib.error_proto as e:
    out['retr_deleted'] = str(e)
out['quit'] = p.quit().decode()
print(json.dumps(out))
`;

const implicitTls = `
import json, os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ['CAFILE'])
p = poplib.POP3_SSL(os.environ['HOST'], int(os.environ['PORT']), context=ctx, timeout=10)
p.user(os.environ['POP_USER'])
p.pass_(os.environ['POP_PASS'])
out = {'stat': list(p.stat()), 'uidl': [l.decode() for l in p.uidl()[1]]}
p.quit()
print(json.dumps(out))
`;

describe('POP3 with Python poplib', () => {
  it('runs a full session over STLS: capabilities, listing, retrieval, TOP, UIDL, DELE, QUIT', async () => {
    const out = await python(fullSession, {
      PORT: String(server.port),
      POP_USER: alice.mail,
      POP_PASS: alice.password,
    });
    expect(out.welcome).toMatch(/^\+OK store01\.test POP3 ready/);
    expect(out.capa_plain).toEqual(
      expect.arrayContaining(['STLS', 'TOP', 'UIDL', 'USER', 'SASL', 'RESP-CODES']),
    );
    expect(out.capa_tls).not.toContain('STLS');
    expect(out.stls).toMatch(/^\+OK/);
    expect(out.pass).toMatch(/^\+OK alice@alpha\.example has 3 messages/);
    const sizes = messages.map((text) => Buffer.byteLength(text.replace(/\n/g, '\r\n')));
    expect(out.stat).toEqual([3, sizes[0]! + sizes[1]! + sizes[2]!]);
    expect(out.list).toEqual(sizes.map((size, i) => `${i + 1} ${size}`));
    const uidl = out.uidl as string[];
    expect(uidl).toHaveLength(3);
    expect(new Set(uidl.map((line) => line.split(' ')[1])).size).toBe(3);
    expect(out.uidl2).toBe(`+OK ${uidl[1]}`);
    // poplib undoes the byte-stuffing: the dotted lines come back as they were stored.
    expect(out.retr1).toEqual([
      'From: a@example.org',
      'To: alice@alpha.example',
      'Subject: first',
      '',
      'line one',
      '.leading dot',
      '..two dots',
      'end',
    ]);
    expect(out.top2).toEqual([
      'From: b@example.org',
      'To: alice@alpha.example',
      'Subject: second',
      'X-Extra: yes',
      '',
      'body 1',
    ]);
    expect(out.retr3).toContain('日本語の本文');
    expect(out.dele).toMatch(/^\+OK/);
    expect(out.stat_after_dele).toEqual([2, sizes[1]! + sizes[2]!]);
    expect(out.retr_deleted).toMatch(/-ERR message 1 is already deleted/);
    expect(out.quit).toMatch(/^\+OK .*1 messages deleted/);

    // The deletion happened at QUIT; the others keep their UIDLs (implicit TLS this time).
    const after = await python(implicitTls, {
      PORT: String(server.tlsPort),
      POP_USER: alice.mail,
      POP_PASS: alice.password,
    });
    expect(after.stat).toEqual([2, sizes[1]! + sizes[2]!]);
    expect((after.uidl as string[]).map((line) => line.split(' ')[1])).toEqual(
      uidl.slice(1).map((line) => line.split(' ')[1]),
    );
    const inbox = await (await fixture.storage.mailbox(alice.mail, 0)).folderStatus('INBOX');
    expect(inbox.messages).toBe(2);
  });

  it('refuses a wrong password with [AUTH] and a user of another store with [SYS/PERM]', async () => {
    const script = `
import json, os, poplib
out = {}
for user, password in [(os.environ['U1'], 'wrong'), (os.environ['U2'], os.environ['P2'])]:
    p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
    p.user(user)
    try:
        p.pass_(password)
        out[user] = 'ok'
    except poplib.error_proto as e:
        out[user] = e.args[0].decode()
    p.close()
print(json.dumps(out))
`;
    const out = await python(script, {
      PORT: String(server.port),
      U1: carol.mail,
      U2: storeUsers.bob.mail,
      P2: storeUsers.bob.password,
    });
    expect(out[carol.mail]).toBe('-ERR [AUTH] wrong user name or password');
    expect(out[storeUsers.bob.mail]).toMatch(/^-ERR \[SYS\/PERM\] .*store02/);
  });
});

describe('POP3 with curl', () => {
  const curl = async (args: string[]): Promise<string> =>
    (await run('curl', ['--silent', '--show-error', '--max-time', '20', ...args], { timeout: 30_000 }))
      .stdout;

  it('lists and retrieves over pop3:// with STLS required', async () => {
    const base = `pop3://127.0.0.1:${server.port}`;
    const tls = [
      '--ssl-reqd',
      '--cacert',
      fixture.certificates.caFile,
      '--user',
      `${carol.mail}:${carol.password}`,
    ];
    const listing = await curl([...tls, `${base}/`]);
    expect(listing.trim().split(/\r?\n/)).toEqual([expect.stringMatching(/^1 \d+$/)]);
    const message = await curl([...tls, `${base}/1`]);
    expect(message).toContain('Subject: for carol');
    expect(message).toContain('hello carol');
  });

  it('retrieves over pop3s:// and refuses a wrong password', async () => {
    const message = await curl([
      '--cacert',
      fixture.certificates.caFile,
      '--user',
      `${carol.mail}:${carol.password}`,
      `pop3s://localhost:${server.tlsPort}/1`,
    ]);
    expect(message).toContain('hello carol');
    await expect(curl(['--user', `${carol.mail}:nope`, `pop3://127.0.0.1:${server.port}/1`])).rejects.toThrow(
      /Login denied|Access denied|authentication/i,
    );
  });
});
