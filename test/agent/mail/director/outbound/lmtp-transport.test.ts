/** LmtpTransport against a real store LmtpServer: one outcome per recipient from the store's replies. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LmtpTransport } from '../../../../../agent/mail/director/outbound/lmtp-transport.js';
import type { DeliveryDestination } from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { LmtpServer } from '../../../../../agent/mail/store/lmtp/lmtp-server.js';
import { MaildirStorage } from '../../../../../agent/mail/store/maildir/maildir-storage.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

const quotas: Record<string, number> = { 'ok@s.test': 0, 'held@s.test': 0, 'small@s.test': 500 };

describe('LmtpTransport (real store LMTP server)', () => {
  let root: string;
  let storage: MaildirStorage;
  let lmtp: LmtpServer;
  let destination: DeliveryDestination;
  const transport = new LmtpTransport({ clientName: 'director.test' });
  const message = (size: number) => ({
    id: 'm1',
    sender: 'from@outside.example',
    content: Buffer.from(`Subject: t\r\n\r\n${'y'.repeat(size)}\r\n`),
  });

  beforeAll(async () => {
    root = await makeTempDir('lmtp-transport-');
    storage = new MaildirStorage({ root, hostName: 's' });
    lmtp = new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage,
      serverName: 'store.test',
      maxMessageBytes: 100_000,
      recipientLookup: async (address) =>
        quotas[address] === undefined ? undefined : { user: address, quotaBytes: quotas[address] ?? 0 },
    });
    await lmtp.start();
    await lmtp.hold('held@s.test');
    destination = { key: 'lmtp:s', logicalStore: 's', protocol: 'lmtp', host: '127.0.0.1', port: lmtp.port };
  });
  afterAll(async () => {
    transport.close();
    await lmtp.stop();
    await storage.close();
    await removeTempDir(root);
  });

  it('2xx delivered, 4xx deferred, 5xx bounced, per recipient in one transaction', async () => {
    const outcomes = await transport.deliver(destination, message(2000), [
      'ok@s.test',
      'held@s.test',
      'small@s.test',
      'unknown@s.test',
    ]);
    const byAddress = Object.fromEntries(outcomes.map((o) => [o.address, o.outcome]));
    expect(byAddress).toEqual({
      'ok@s.test': 'delivered',
      'held@s.test': 'deferred',
      'small@s.test': 'bounced',
      'unknown@s.test': 'bounced',
    });
    expect(outcomes.find((o) => o.address === 'held@s.test')?.reason).toMatch(/^450/);
    expect(outcomes.find((o) => o.address === 'unknown@s.test')?.reason).toMatch(/^550 5\.1\.1/);
    const view = await (await storage.mailbox('ok@s.test', 0)).openFolder('INBOX');
    expect(view.messages()).toHaveLength(1);
    view.close();
  });

  it('all refused at RCPT still gives each its own outcome; an unreachable store defers all', async () => {
    const refused = await transport.deliver(destination, message(10), ['held@s.test', 'unknown@s.test']);
    expect(refused.map((o) => o.outcome)).toEqual(['deferred', 'bounced']);
    const closed = await transport.deliver({ ...destination, port: 1 }, message(10), ['ok@s.test']);
    expect(closed).toEqual([
      { address: 'ok@s.test', outcome: 'deferred', reason: expect.stringMatching(/ECONNREFUSED/) },
    ]);
  });
});
