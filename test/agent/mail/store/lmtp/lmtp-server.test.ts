import { createTransport } from 'nodemailer';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LmtpServer, type LmtpServerOptions } from '../../../../../agent/mail/store/lmtp/lmtp-server.js';
import type { MailRecipient } from '../../../../../agent/mail/store/mail-login.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, removeTempDir } from '../maildir/maildir-test-support.js';
import { RawLmtpClient } from './raw-lmtp-client.js';

const users: Record<string, MailRecipient> = {
  'taro@eng.univ.example': { user: 'taro@eng.univ.example', quotaBytes: 0 },
  'yamada.taro@eng.univ.example': { user: 'taro@eng.univ.example', quotaBytes: 0 },
  'hanako@eng.univ.example': { user: 'hanako@eng.univ.example', quotaBytes: 0 },
  'small@eng.univ.example': { user: 'small@eng.univ.example', quotaBytes: 3000 },
};

function body(subject: string, filler = 10): string {
  return `From: a@example.org\r\nSubject: ${subject}\r\nMessage-ID: <${subject}@test>\r\n\r\n${'line of text\r\n'.repeat(filler)}`;
}

describe('LmtpServer', () => {
  let root: string;
  let storage: MaildirStorage;
  let server: LmtpServer;
  let directoryDown = false;

  async function startServer(extra: Partial<LmtpServerOptions> = {}): Promise<void> {
    server = new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage,
      serverName: 'store01.mail.univ.example',
      maxMessageBytes: 20_000,
      recipientLookup: async (address) => {
        if (directoryDown) throw new Error('ldap down');
        return users[address];
      },
      ...extra,
    });
    await server.start();
  }

  async function inbox(user: string): Promise<string[]> {
    const view = await (await storage.mailbox(user, 0)).openFolder('INBOX');
    const texts = await Promise.all(
      view.messages().map(async (m) => (await view.read(m.uid)).toString('latin1')),
    );
    view.close();
    return texts;
  }

  beforeEach(async () => {
    root = await makeTempDir('lmtp-');
    storage = new MaildirStorage({ root, hostName: 'store01' });
    directoryDown = false;
  });
  afterEach(async () => {
    await server.stop();
    await storage.close();
    await removeTempDir(root);
  });

  it('delivers with nodemailer, per recipient, with trace headers; unknown users get 550 5.1.1', async () => {
    await startServer();
    const transport = createTransport({ host: '127.0.0.1', port: server.port, lmtp: true, ignoreTLS: true });
    const info = await transport.sendMail({
      envelope: {
        from: 'sender@example.org',
        to: ['taro@eng.univ.example', 'hanako@eng.univ.example', 'nobody@eng.univ.example'],
      },
      raw: body('hello'),
    });
    transport.close();
    expect(info.accepted.sort()).toEqual(['hanako@eng.univ.example', 'taro@eng.univ.example']);
    expect(info.rejected).toEqual(['nobody@eng.univ.example']);
    expect(String(info.rejectedErrors?.[0]?.message)).toMatch(/550 5\.1\.1/);
    const [taro] = await inbox('taro@eng.univ.example');
    expect(taro).toMatch(
      /^Return-Path: <sender@example\.org>\r\nDelivered-To: taro@eng\.univ\.example\r\nReceived: from /,
    );
    expect(taro).toContain('by store01.mail.univ.example with LMTP id');
    expect(taro).toContain('Subject: hello\r\n');
    expect(await inbox('hanako@eng.univ.example')).toHaveLength(1);
    expect(server.counters).toMatchObject({ deliveries: 2, unknownUser: 1, rejections: 1 });
    expect(server.counters.deliveredBytes).toBeGreaterThan(2 * body('hello').length);
  });

  it('answers each recipient after DATA: one mailbox gets it, a full one gets 552 5.2.2; two addresses of one user get one copy', async () => {
    await startServer();
    const client = await RawLmtpClient.open(server.port);
    const result = await client.transaction(
      ['taro@eng.univ.example', 'small@eng.univ.example', 'yamada.taro@eng.univ.example'],
      body('big', 300),
    );
    expect(result.rcpt.every((r) => r.startsWith('250'))).toBe(true);
    expect(result.data[0]).toMatch(/^250 2\.6\.0 /);
    expect(result.data[1]).toMatch(/^552 5\.2\.2 /);
    expect(result.data[2]).toMatch(/^250 2\.6\.0 /);
    expect(await inbox('taro@eng.univ.example')).toHaveLength(1);
    expect(await inbox('small@eng.univ.example')).toHaveLength(0);
    await client.close();
  });

  it('can answer over quota with 452 4.2.2 by policy, and refuses a full mailbox already at RCPT', async () => {
    await startServer({ overQuota: 'temporary' });
    const client = await RawLmtpClient.open(server.port);
    const first = await client.transaction(['small@eng.univ.example'], body('fits', 100));
    expect(first.data[0]).toMatch(/^250 /);
    const second = await client.transaction(['small@eng.univ.example'], body('too-much', 100));
    expect(second.data[0]).toMatch(/^452 4\.2\.2 /);
    // Announcing a SIZE that cannot fit is refused at RCPT.
    await client.command('MAIL FROM:<s@example.org> SIZE=5000');
    expect(await client.command('RCPT TO:<small@eng.univ.example>')).toMatch(/^452 4\.2\.2 /);
    await client.command('RSET');
    await client.close();
  });

  it('refuses a message over the size limit with 552 5.3.4 for every recipient', async () => {
    await startServer({ maxMessageBytes: 5000 });
    const client = await RawLmtpClient.open(server.port);
    const result = await client.transaction(
      ['taro@eng.univ.example', 'hanako@eng.univ.example'],
      body('huge', 1000),
    );
    expect(result.data).toHaveLength(2);
    for (const line of result.data) expect(line).toMatch(/^552 5\.3\.4 /);
    expect(await inbox('taro@eng.univ.example')).toHaveLength(0);
    // The session goes on.
    expect((await client.transaction(['taro@eng.univ.example'], body('small'))).data[0]).toMatch(/^250 /);
    await client.close();
  });

  it('refuses bare LF, bare CR and NUL bytes with 554 5.6.0 and keeps serving', async () => {
    await startServer();
    const client = await RawLmtpClient.open(server.port);
    const other = await RawLmtpClient.open(server.port);
    const cases = [
      'Subject: lf\r\n\r\nline one\nline two\r\n',
      'Subject: cr\r\n\r\nline one\rline two\r\n',
      Buffer.concat([Buffer.from('Subject: nul\r\n\r\nbefore'), Buffer.from([0]), Buffer.from('after\r\n')]),
      // A smuggling attempt: an end of data with bare LFs, then a second transaction.
      'Subject: smuggle\r\n\r\nhello\n.\nMAIL FROM:<evil@example.org>\nRCPT TO:<taro@eng.univ.example>\nDATA\nSubject: smuggled\n\nx\r\n',
    ];
    for (const data of cases) {
      const result = await client.transaction(['taro@eng.univ.example', 'hanako@eng.univ.example'], data);
      expect(result.data).toHaveLength(2);
      for (const line of result.data) expect(line).toMatch(/^554 5\.6\.0 .*(bare LF|bare CR|NUL)/);
    }
    expect(await inbox('taro@eng.univ.example')).toHaveLength(0);
    expect((await other.transaction(['taro@eng.univ.example'], body('fine'))).data[0]).toMatch(/^250 /);
    expect((await client.transaction(['hanako@eng.univ.example'], body('fine too'))).data[0]).toMatch(
      /^250 /,
    );
    expect(server.counters.badData).toBe(8);
    await client.close();
    await other.close();
  });

  it('holds a user with 450 4.2.1 until released', async () => {
    await startServer();
    await server.hold('taro@eng.univ.example');
    expect(server.heldUsers()).toEqual(['taro@eng.univ.example']);
    const client = await RawLmtpClient.open(server.port);
    const held = await client.transaction(
      ['yamada.taro@eng.univ.example', 'hanako@eng.univ.example'],
      body('held'),
    );
    expect(held.rcpt[0]).toMatch(/^450 4\.2\.1 /);
    expect(held.data).toEqual([expect.stringMatching(/^250 /)]);
    // A hold that starts between RCPT and the end of DATA still keeps the message out.
    server.release('taro@eng.univ.example');
    await client.command('MAIL FROM:<s@example.org>');
    expect(await client.command('RCPT TO:<taro@eng.univ.example>')).toMatch(/^250 /);
    expect(await client.command('DATA')).toMatch(/^354/);
    await server.hold('taro@eng.univ.example');
    client.send(`${body('late')}\r\n.\r\n`);
    expect(await client.reply()).toMatch(/^450 4\.2\.1 /);
    expect(await inbox('taro@eng.univ.example')).toHaveLength(0);
    server.release('taro@eng.univ.example');
    expect((await client.transaction(['taro@eng.univ.example'], body('after'))).data[0]).toMatch(/^250 /);
    expect(await inbox('taro@eng.univ.example')).toHaveLength(1);
    await client.close();
  });

  it('answers 451 when the directory cannot be asked', async () => {
    await startServer();
    directoryDown = true;
    const client = await RawLmtpClient.open(server.port);
    expect((await client.transaction(['taro@eng.univ.example'], body('x'))).rcpt[0]).toMatch(/^451 4\.3\.0 /);
    await client.close();
  });
});
