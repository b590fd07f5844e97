/**
 * imapflow (a client no one here wrote) against the IMAP server over a real MaildirStorage: a full
 * session, and IDLE woken by a delivery through the real LMTP server.
 */
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpServer } from '../../../../../agent/mail/store/lmtp/lmtp-server.js';
import {
  type ImapTestServer,
  startImapTestServer,
  testQuotaBytes,
  testUsers,
} from './support/imap-test-server.js';
import { japaneseMessage, mixedMessage } from './support/mime-samples.js';

function client(port: number, user = 'taro@univ.example'): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: testUsers[user]! },
    logger: false,
  });
}

/** imapflow answers `false` for a refused command; a test wants the value or a failure. */
function must<T>(value: T | false | undefined): T {
  if (value === false || value === undefined) throw new Error('imapflow reported a failure');
  return value;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!condition()) throw new Error(`gave up waiting: ${what}`);
}

describe('imapflow against the IMAP server', () => {
  let imap: ImapTestServer;
  let lmtp: LmtpServer;

  beforeAll(async () => {
    imap = await startImapTestServer();
    lmtp = new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage: imap.storage,
      serverName: 'store01.univ.example',
      maxMessageBytes: 1_000_000,
      recipientLookup: async (address) =>
        testUsers[address] ? { user: address, quotaBytes: testQuotaBytes } : undefined,
    });
    await lmtp.start();
  });

  afterAll(async () => {
    await lmtp.stop();
    await imap.stop();
  });

  it('runs a full session: list, create, append, fetch structure and sections, search, flags, move, expunge, quota', async () => {
    const flow = client(imap.server.port);
    await flow.connect();
    try {
      const folders = await flow.list();
      const uses = Object.fromEntries(folders.map((folder) => [folder.path, folder.specialUse]));
      expect(uses).toMatchObject({
        INBOX: '\\Inbox',
        Sent: '\\Sent',
        Drafts: '\\Drafts',
        Trash: '\\Trash',
        Junk: '\\Junk',
      });

      // A Japanese folder name goes out in modified UTF-7 and comes back intact.
      await flow.mailboxCreate(['研究室', '2026']);
      const paths = (await flow.list()).map((folder) => folder.path);
      expect(paths).toContain('研究室.2026');
      expect(paths).toContain('研究室');

      const first = await flow.append('INBOX', mixedMessage, ['\\Flagged']);
      const second = await flow.append('INBOX', japaneseMessage);
      expect(must(first).uid).toBe(1);
      expect(must(second).uid).toBe(2);

      const mailbox = await flow.mailboxOpen('INBOX');
      expect(mailbox.exists).toBe(2);
      const messages = await flow.fetchAll('1:*', {
        uid: true,
        flags: true,
        envelope: true,
        bodyStructure: true,
        size: true,
      });
      expect(messages.map((m) => m.uid)).toEqual([1, 2]);
      const [mixed, japanese] = messages;
      expect(mixed!.flags?.has('\\Flagged')).toBe(true);
      expect(mixed!.size).toBe(mixedMessage.length);
      expect(mixed!.envelope?.subject).toBe('会議の資料  (Meeting notes)');
      expect(mixed!.envelope?.from?.[0]).toEqual({
        name: '山田太郎',
        address: 'taro.yamada@eng.univ.example',
      });
      expect(japanese!.envelope?.subject).toBe('会議こんにちは');
      const structure = mixed!.bodyStructure!;
      expect(structure.type).toBe('multipart/mixed');
      expect(structure.childNodes?.map((node) => node.type)).toEqual([
        'multipart/alternative',
        'application/pdf',
        'message/rfc822',
      ]);
      expect(structure.childNodes?.[1]).toMatchObject({
        part: '2',
        disposition: 'attachment',
        encoding: 'base64',
        size: 12,
      });
      expect(structure.childNodes?.[1]?.dispositionParameters?.filename).toBe('報告書.pdf');
      expect(structure.childNodes?.[2]?.envelope?.subject).toBe('inner');

      // Sections: a part, a MIME header, and a decoded attachment download.
      const parts = await flow.fetchOne('1', { bodyParts: ['1.1', '3.HEADER'], headers: ['subject'] });
      expect(must(parts).bodyParts?.get('1.1')?.toString()).toBe('Hello =E4=BC=9A=E8=AD=B0\r\nsecond line');
      expect(must(parts).bodyParts?.get('3.header')?.toString()).toContain('Subject: inner');
      expect(must(parts).headers?.toString()).toContain('Subject: =?UTF-8?B?5Lya6K2w44Gu6LOH5paZ?=');
      const download = await flow.download('1', '2');
      const chunks: Buffer[] = [];
      for await (const chunk of must(download.content)) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.4\n');
      const source = await flow.fetchOne('2', { source: true });
      expect(must(source).source?.equals(japaneseMessage)).toBe(true);

      // BODY.PEEK did not set \Seen.
      expect(await flow.search({ seen: false })).toEqual([1, 2]);
      expect(await flow.search({ subject: '会議' })).toEqual([1, 2]);
      expect(await flow.search({ body: 'こんにちは' })).toEqual([2]);
      expect(await flow.search({ from: 'HANAKO' })).toEqual([]);
      expect(await flow.search({ to: 'hanako' })).toEqual([1]);
      expect(await flow.search({ flagged: true })).toEqual([1]);
      expect(await flow.search({ larger: 1000 })).toEqual([1]);

      await flow.messageFlagsAdd('2', ['\\Seen', '$Work']);
      const flags = await flow.fetchOne('2', { flags: true });
      // Appended before SELECT, so \Recent to this session (as Dovecot reports it too).
      expect([...must(must(flags).flags)].sort()).toEqual(['$Work', '\\Recent', '\\Seen']);
      await flow.messageFlagsRemove('2', ['$Work']);
      expect(await flow.search({ keyword: '$Work' })).toEqual([]);

      const moved = await flow.messageMove('1', '研究室.2026');
      expect(must(moved).uidMap?.get(1)).toBe(1);
      expect(must(flow.mailbox).exists).toBe(1);
      const status = await flow.status('研究室.2026', { messages: true, uidNext: true });
      expect(status).toMatchObject({ messages: 1, uidNext: 2 });

      const expunged: number[] = [];
      flow.on('expunge', (event: { seq: number }) => expunged.push(event.seq));
      await flow.messageDelete('1');
      expect(expunged).toEqual([1]);
      expect(await flow.search({ all: true })).toEqual([]);

      const quota = await flow.getQuota('INBOX');
      expect(must(quota).storage).toMatchObject({ limit: testQuotaBytes });
      expect(must(quota).storage?.usage).toBeGreaterThan(0);
    } finally {
      await flow.logout();
    }
  });

  it('wakes an idling client with EXISTS when the LMTP server delivers', async () => {
    const flow = client(imap.server.port, 'hanako@univ.example');
    await flow.connect();
    try {
      await flow.mailboxOpen('INBOX');
      const exists = new Promise<{ count: number; at: number }>((resolve) => {
        flow.on('exists', (event: { count: number }) => resolve({ count: event.count, at: Date.now() }));
      });
      const idle = flow.idle();
      await until(() => flow.idling, 'imapflow to enter IDLE');
      const transport = createTransport({
        host: '127.0.0.1',
        port: lmtp.port,
        lmtp: true,
        secure: false,
        ignoreTLS: true,
      });
      const sent = Date.now();
      const info = await transport.sendMail({
        envelope: { from: 'sender@example.org', to: ['hanako@univ.example'] },
        raw: 'From: sender@example.org\r\nTo: hanako@univ.example\r\nSubject: wake up\r\n\r\nnew mail\r\n',
      });
      expect(info.accepted).toEqual(['hanako@univ.example']);
      const event = await exists;
      expect(event.count).toBe(1);
      // Reported, not asserted (no timing asserts on a shared machine).
      console.info(`IDLE woken ${event.at - sent} ms after the LMTP delivery started`);
      const fetched = await flow.fetchOne('*', { envelope: true });
      expect(must(fetched).envelope?.subject).toBe('wake up');
      await idle.catch(() => undefined);
    } finally {
      await flow.logout();
    }
  });
});
