/**
 * The POP3 server given bad input: each case gets a clear `-ERR` in words, and the server keeps
 * serving other clients. Also the protocol rules a client library would never break: AUTH PLAIN in
 * both forms, STLS with pipelined plain text, the maildrop lock, RSET and dropped connections.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Pop3Server } from '../../../../../agent/mail/store/pop3/pop3-server.js';
import { LineClient } from '../../../../support/line-client.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { type StoreTestFixture, startStoreFixture } from '../../../../support/store-test-fixture.js';

const { alice, carol, dave } = storeUsers;
let fixture: StoreTestFixture;
let server: Pop3Server;
let ca: string;

beforeAll(async () => {
  fixture = await startStoreFixture();
  for (let i = 1; i <= 3; i++) await fixture.deliver(dave.mail, `Subject: dave ${i}\n\nmessage ${i}\n`);
  await fixture.deliver(alice.mail, 'Subject: for alice\n\nhi\n');
  server = new Pop3Server({
    host: '127.0.0.1',
    port: 0,
    tls: fixture.certificates.credentials,
    storage: fixture.storage,
    authenticate: fixture.authenticator.authenticate,
    limits: { maxLineBytes: 512 },
  });
  await server.start();
  ca = (await import('node:fs')).readFileSync(fixture.certificates.caFile, 'utf8');
});

afterAll(async () => {
  await server?.stop();
  await fixture?.stop();
});

async function connected(): Promise<LineClient> {
  const client = await LineClient.connect(server.port);
  expect(await client.readLine()).toMatch(/^\+OK/);
  return client;
}

const plain = (login: string, password: string, authzid = '') =>
  Buffer.from(`${authzid}\0${login}\0${password}`).toString('base64');

/** A second client that must still be served while another misbehaves. */
async function otherClientStillServed(): Promise<void> {
  const other = await connected();
  const capa = await (async () => {
    other.send('CAPA\r\n');
    return other.readMultiLine();
  })();
  expect(capa).toContain('UIDL');
  other.close();
}

describe('POP3 bad input', () => {
  it('answers an overlong line once with -ERR and keeps the connection usable', async () => {
    const client = await connected();
    client.send(`USER ${'x'.repeat(100_000)}\r\n`);
    expect(await client.readLine()).toBe('-ERR line too long (at most 512 bytes)');
    await otherClientStillServed();
    expect(await client.command(`USER ${carol.mail}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${carol.password}`)).toMatch(/^\+OK/);
    client.close();
  });

  it('refuses AUTH PLAIN with invalid base64, an empty response, or someone else as authzid', async () => {
    const client = await connected();
    expect(await client.command('AUTH PLAIN !!!not-base64!!!')).toBe('-ERR the response is not valid base64');
    expect(await client.command(`AUTH PLAIN ${Buffer.from('just one part').toString('base64')}`)).toBe(
      '-ERR a PLAIN response is authzid NUL login NUL password',
    );
    expect(await client.command(`AUTH PLAIN ${plain(carol.mail, carol.password, alice.mail)}`)).toBe(
      '-ERR authorization as another user is not supported',
    );
    expect(await client.command('AUTH CRAM-MD5')).toMatch(/^-ERR SASL mechanism CRAM-MD5 is not supported/);
    await otherClientStillServed();
    client.close();
  });

  it('answers unknown commands, commands in the wrong state and binary junk in words', async () => {
    const client = await connected();
    expect(await client.command('STAT')).toBe('-ERR unknown command STAT (log in first)');
    expect(await client.command('PASS secret')).toBe('-ERR send USER first');
    expect(await client.command('HELO there')).toBe('-ERR unknown command HELO (log in first)');
    expect(await client.command('\0\0\0')).toBe('-ERR that is not a POP3 command');
    expect(await client.command(`USER ${dave.mail}`)).toMatch(/^\+OK/);
    expect(await client.command(`PASS ${dave.password}`)).toMatch(/^\+OK dave@beta\.example has 3 messages/);
    expect(await client.command('RETR 99')).toBe('-ERR no message 99 (the maildrop has 3)');
    expect(await client.command('RETR one')).toBe('-ERR RETR needs a message number, not "one"');
    expect(await client.command('TOP 1')).toBe('-ERR TOP needs 2 arguments');
    expect(await client.command('DELE 0')).toBe('-ERR no message 0 (the maildrop has 3)');
    expect(await client.command('USER again')).toBe('-ERR unknown command USER (in the TRANSACTION state)');
    // Dropped without QUIT: nothing is deleted.
    expect(await client.command('DELE 1')).toBe('+OK message 1 deleted');
    client.close();
  });

  it('closes a connection after too many bad commands', async () => {
    const client = await connected();
    for (let i = 0; i < 19; i++) expect(await client.command('BOGU')).toMatch(/^-ERR unknown command/);
    expect(await client.command('BOGU')).toMatch(/^-ERR unknown command/);
    expect(await client.readLine()).toBe('-ERR [SYS/TEMP] too many bad commands, closing');
    await client.closed();
  });

  it('throttles a brute force on one user, closes the connection after three failures, and serves others', async () => {
    const attacker = await connected();
    for (let i = 0; i < 3; i++) {
      expect(await attacker.command(`AUTH PLAIN ${plain(carol.mail, `guess${i}`)}`)).toBe(
        '-ERR [AUTH] wrong user name or password',
      );
    }
    expect(await attacker.readLine()).toBe('-ERR [SYS/TEMP] too many failed logins, closing');
    await attacker.closed();

    const again = await connected();
    expect(await again.command(`AUTH PLAIN ${plain(carol.mail, 'guess3')}`)).toBe(
      '-ERR [AUTH] wrong user name or password',
    );
    // The fifth try is throttled before the directory is asked, even with the right password.
    expect(await again.command(`AUTH PLAIN ${plain(carol.mail, carol.password)}`)).toMatch(
      /^-ERR \[SYS\/TEMP\] too many failed logins: try again in \d+ s$/,
    );
    again.close();

    const other = await connected();
    expect(await other.command(`AUTH PLAIN ${plain(alice.mail, alice.password)}`)).toMatch(
      /^\+OK alice@alpha\.example has/,
    );
    other.close();
  });

  it('takes AUTH PLAIN as a continuation and lets the client cancel it', async () => {
    const client = await connected();
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command('*')).toBe('-ERR authentication cancelled');
    expect(await client.command('AUTH PLAIN')).toBe('+ ');
    expect(await client.command(plain(dave.mail, dave.password))).toMatch(
      /^\+OK dave@beta\.example has 3 messages/,
    );
    client.close();
  });

  it('gives a second session of the same user -ERR [IN-USE] while the first holds the maildrop', async () => {
    const first = await connected();
    expect(await first.command(`AUTH PLAIN ${plain(dave.mail, dave.password)}`)).toMatch(/^\+OK/);
    const second = await connected();
    expect(await second.command(`AUTH PLAIN ${plain(dave.mail, dave.password)}`)).toBe(
      '-ERR [IN-USE] the maildrop of dave@beta.example is in use by another POP3 session',
    );
    expect(await first.command('QUIT')).toMatch(/^\+OK/);
    await first.closed();
    expect(await second.command(`AUTH PLAIN ${plain(dave.mail, dave.password)}`)).toMatch(/^\+OK/);
    second.close();
  });

  it('undoes deletions with RSET and answers pipelined commands in order', async () => {
    const client = await connected();
    client.send(
      [
        `USER ${dave.mail}`,
        `PASS ${dave.password}`,
        'DELE 1',
        'DELE 2',
        'RSET',
        'STAT',
        ...Array(200).fill('NOOP'),
        'QUIT',
      ]
        .map((line) => `${line}\r\n`)
        .join(''),
    );
    expect(await client.readLine()).toBe('+OK send PASS');
    expect(await client.readLine()).toMatch(/has 3 messages/);
    expect(await client.readLine()).toBe('+OK message 1 deleted');
    expect(await client.readLine()).toBe('+OK message 2 deleted');
    expect(await client.readLine()).toMatch(/^\+OK maildrop has 3 messages/);
    expect(await client.readLine()).toMatch(/^\+OK 3 \d+$/);
    for (let i = 0; i < 200; i++) expect(await client.readLine()).toBe('+OK nothing done');
    expect(await client.readLine()).toMatch(/^\+OK .*\(0 messages deleted\)$/);
    await client.closed();
  });

  it('drops plain-text commands pipelined after STLS instead of running them inside TLS', async () => {
    const client = await connected();
    client.send(`STLS\r\nUSER ${dave.mail}\r\nCAPA\r\n`);
    expect(await client.readLine()).toBe('+OK begin TLS negotiation');
    await client.startTls(ca);
    // If the pipelined USER had run, this PASS would log in; it must say USER first.
    expect(await client.command(`PASS ${dave.password}`)).toBe('-ERR send USER first');
    client.send('CAPA\r\n');
    const capa = await client.readMultiLine();
    expect(capa).not.toContain('STLS');
    expect(await client.command('STLS')).toBe('-ERR TLS is already active');
    client.close();
  });

  it('lists sessions and kicks a user without applying their deletions', async () => {
    const client = await connected();
    expect(await client.command(`AUTH PLAIN ${plain(dave.mail, dave.password)}`)).toMatch(/^\+OK/);
    expect(await client.command('DELE 3')).toBe('+OK message 3 deleted');
    const listed = server.sessions().filter((session) => session.user === dave.mail);
    expect(listed).toEqual([
      expect.objectContaining({
        protocol: 'pop3',
        user: dave.mail,
        clientAddress: '127.0.0.1',
        secure: false,
      }),
    ]);
    expect(server.kick('DAVE@beta.example')).toBe(1);
    expect(await client.readLine()).toBe('-ERR [SYS/TEMP] session closed by an administrator');
    await client.closed();
    const inbox = await (await fixture.storage.mailbox(dave.mail, 0)).folderStatus('INBOX');
    expect(inbox.messages).toBe(3);
    expect(server.counters()).toMatchObject({ loginsTotal: expect.any(Number), failedLoginsTotal: 5 });
  });

  it('frees the maildrop of a client that drops the connection while its INBOX opens', async () => {
    // 20,000 files put in by another program: opening the INBOX lists and numbers them (a while).
    const fresh = join(fixture.mailRoot, 'beta.example', 'dave', 'Maildir', 'new');
    for (let i = 0; i < 20_000; i++)
      writeFileSync(join(fresh, `${1_767_225_600 + i}.M${i}P1Q${i}.other`), 'x\r\n');
    const dropped = await connected();
    expect(await dropped.command(`USER ${dave.mail}`)).toMatch(/^\+OK/);
    dropped.send(`PASS ${dave.password}\r\n`);
    dropped.close();
    // The lock is the dropped session's while its INBOX opens, then free: the next login gets in.
    let reply = '';
    for (let attempt = 0; attempt < 100 && !reply.startsWith('+OK'); attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      const client = await connected();
      await client.command(`USER ${dave.mail}`);
      reply = await client.command(`PASS ${dave.password}`);
      expect(reply).toMatch(/^\+OK|^-ERR \[IN-USE\]/);
      client.close();
    }
    expect(reply).toMatch(/^\+OK dave@beta.example has 20003 messages/);
  });
});
