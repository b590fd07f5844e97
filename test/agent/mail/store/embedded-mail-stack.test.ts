/**
 * The embedded mail stack driver on its own: services started and stopped one by one, delivery
 * holds seen by a real LMTP client, local delivery, mailbox detail that does not create mailboxes,
 * and export/import of a mailbox (folders, flags, dates, bytes) into another store's storage.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedMailStack } from '../../../../agent/mail/store/embedded-mail-stack.js';
import { MailStorageError } from '../../../../agent/mail/store/mail-storage.js';
import { MaildirStorage } from '../../../../agent/mail/store/maildir/maildir-storage.js';
import { createRecipientLookup } from '../../../../agent/mail/store/recipient-lookup.js';
import { imapSessionService, pop3SessionService } from '../../../../agent/mail/store/session-servers.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type StoreTestFixture, startStoreFixture } from '../../../support/store-test-fixture.js';

const { alice, carol, dave } = storeUsers;
let fixture: StoreTestFixture;
let stack: EmbeddedMailStack;

beforeAll(async () => {
  fixture = await startStoreFixture();
  const clock = { now: () => Date.now() };
  stack = new EmbeddedMailStack({
    host: '127.0.0.1',
    publishHost: 'store01.test',
    ports: { lmtp: 0, imap: 0, imaps: 0, pop3: 0, pop3s: 0 },
    storage: fixture.storage,
    recipientLookup: createRecipientLookup({ users: fixture.users, clock }),
    authenticate: fixture.authenticator.authenticate,
    tlsFiles: { certFile: fixture.certificates.certFile, keyFile: fixture.certificates.keyFile },
    maxMessageBytes: 100_000,
    serverName: 'store01.test',
    allowPlaintextAuth: false,
    clock,
    imap: imapSessionService,
    pop3: pop3SessionService,
    log: () => undefined,
  });
  for (const name of ['lmtp', 'imap', 'pop3'] as const) await stack.startService(name);
});

afterAll(async () => {
  // close() also closes the fixture's storage, which the fixture's stop() tolerates.
  await stack?.close();
  await fixture?.stop();
});

async function lmtpSend(to: string[]): Promise<{ accepted: string[]; rejected: string[]; errors: string[] }> {
  const lmtp = Number(stack.endpoints().lmtp?.split(':')[1]);
  const transport = createTransport({ host: '127.0.0.1', port: lmtp, lmtp: true, ignoreTLS: true });
  try {
    const info = await transport.sendMail({
      envelope: { from: 'sender@example.org', to },
      raw: 'From: sender@example.org\r\nSubject: held?\r\n\r\nbody\r\n',
    });
    return {
      accepted: info.accepted.map(String),
      rejected: info.rejected.map(String),
      errors: (info.rejectedErrors ?? []).map((error) => error.message),
    };
  } finally {
    transport.close();
  }
}

describe('EmbeddedMailStack', () => {
  it('publishes each running service under the publish host, and drops a stopped one', async () => {
    expect(Object.keys(stack.endpoints()).sort()).toEqual(['imap', 'imaps', 'lmtp', 'pop3', 'pop3s']);
    expect(stack.endpoints().imap).toMatch(/^store01\.test:\d+$/);
    await stack.stopService('pop3');
    expect(stack.endpoints()).not.toHaveProperty('pop3');
    expect(stack.endpoints()).not.toHaveProperty('pop3s');
    expect(await stack.startService('pop3')).toMatch(
      /^pop3 on 127\.0\.0\.1:\d+, pop3s on 127\.0\.0\.1:\d+ \(STARTTLS offered\)$/,
    );
  });

  it('holds deliveries to a user with a temporary refusal until released', async () => {
    await stack.hold(carol.mail, 'mailbox move');
    expect(stack.holds()).toEqual([expect.objectContaining({ user: carol.mail, reason: 'mailbox move' })]);
    const held = await lmtpSend([carol.mail, dave.mail]);
    expect(held.accepted).toEqual([dave.mail]);
    expect(held.rejected).toEqual([carol.mail]);
    expect(held.errors.join()).toMatch(/\b4\d\d\b/);
    await expect(stack.deliver({ user: carol.mail, quotaBytes: 0 }, Buffer.from('x\r\n'))).rejects.toThrow(
      MailStorageError,
    );
    stack.release(carol.mail);
    expect(stack.holds()).toEqual([]);
    expect((await lmtpSend([carol.mail])).accepted).toEqual([carol.mail]);
    expect(stack.activity().deliveriesTotal).toBe(2);
  });

  it('reports a mailbox that does not exist yet without creating it', async () => {
    const detail = await stack.mailboxDetail('nobody-yet@alpha.example', 1000);
    expect(detail).toEqual({
      user: 'nobody-yet@alpha.example',
      exists: false,
      folders: [],
      quota: { usedBytes: 0, messages: 0, limitBytes: 1000 },
    });
    expect((await stack.listMailboxes()).map((mailbox) => mailbox.user)).not.toContain(
      'nobody-yet@alpha.example',
    );
  });

  it('exports a mailbox and imports it elsewhere with folders, flags, dates and bytes', async () => {
    const mailbox = await fixture.storage.mailbox(alice.mail, alice.quotaBytes);
    await mailbox.createFolder('研究室');
    await mailbox.createFolder('研究室.2026');
    const date = new Date('2026-04-01T09:30:00Z');
    await stack.deliver(
      { user: alice.mail, quotaBytes: alice.quotaBytes },
      Buffer.from('Subject: one\r\n\r\n1\r\n'),
    );
    await mailbox.append('研究室.2026', Buffer.from('Subject: two\r\n\r\n2\r\n'), {
      flags: ['\\Seen', '\\Flagged', 'projectX'],
      internalDate: date,
    });
    const detail = await stack.mailboxDetail(alice.mail, alice.quotaBytes);
    expect(detail.folders.find((folder) => folder.name === '研究室.2026')).toMatchObject({
      messages: 1,
      unseen: 0,
    });

    const records = [];
    for await (const record of stack.exportMailbox(alice.mail)) records.push(record);
    const folderNames = records.filter((r) => r.kind === 'folder').map((r) => r.name);
    expect(folderNames.indexOf('研究室')).toBeLessThan(folderNames.indexOf('研究室.2026'));

    const root = await mkdtemp(join(tmpdir(), 'mailfleet-import-'));
    const target = new MaildirStorage({ root });
    try {
      const other = new EmbeddedMailStack(stackOptions(target));
      const summary = await other.importMailbox(
        alice.mail,
        alice.quotaBytes,
        (async function* () {
          yield* records;
        })(),
      );
      expect(summary.messages).toBe(2);
      const copy = await target.mailbox(alice.mail, alice.quotaBytes);
      const view = await copy.openFolder('研究室.2026');
      const [message] = view.messages();
      expect([...(message?.flags ?? [])].sort()).toEqual(['\\Flagged', '\\Seen', 'projectX']);
      expect(message?.internalDate.getTime()).toBe(date.getTime());
      expect((await view.read(message?.uid ?? 0)).toString()).toBe('Subject: two\r\n\r\n2\r\n');
      view.close();
      expect((await copy.folderStatus('INBOX')).messages).toBe(1);
    } finally {
      await target.close();
      await rm(root, { recursive: true, force: true });
    }
  });
});

/** Options for a second stack over another storage (never started: import works without services). */
function stackOptions(storage: MaildirStorage): ConstructorParameters<typeof EmbeddedMailStack>[0] {
  return {
    host: '127.0.0.1',
    publishHost: '127.0.0.1',
    ports: { lmtp: 0, imap: 0, pop3: 0 },
    storage,
    recipientLookup: async () => undefined,
    authenticate: async () => ({ ok: false, reason: 'unavailable', message: 'not used' }),
    maxMessageBytes: 100_000,
    serverName: 'store02.test',
    allowPlaintextAuth: false,
    clock: { now: () => Date.now() },
    pop3: pop3SessionService,
    log: () => undefined,
  };
}
