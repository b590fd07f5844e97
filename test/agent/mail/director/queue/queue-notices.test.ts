import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  DeliveryDestination,
  DeliveryOutcome,
  MessageTransport,
  OutgoingMessage,
  RouteDecision,
} from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { MailQueue } from '../../../../../agent/mail/director/queue/mail-queue.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';

// DSNs (RFC 3464) and the queue lifetime, on a clock the test drives, with a scripted transport
// that records what the queue hands over; the DSNs are read back with mailparser.
class RecordingTransport implements MessageTransport {
  readonly sent: { id: string; sender: string; addresses: string[]; content: string }[] = [];
  reply: (address: string) => DeliveryOutcome = (address) => ({
    address,
    outcome: 'delivered',
    reason: '250 ok',
  });

  async deliver(_destination: DeliveryDestination, message: OutgoingMessage, addresses: string[]) {
    const outcomes = addresses.map((address) => this.reply(address));
    for (const [n, address] of addresses.entries()) {
      if (outcomes[n]?.outcome === 'delivered')
        this.sent.push({
          id: message.id,
          sender: message.sender,
          addresses: [address],
          content: message.content.toString(),
        });
    }
    return outcomes;
  }

  /** DSNs delivered so far (null sender). */
  dsns(): { id: string; addresses: string[]; content: string }[] {
    return this.sent.filter((s) => s.sender === '');
  }
}

async function route(address: string): Promise<RouteDecision> {
  return {
    kind: 'deliver',
    destination: { key: `smtp:${address.split('@')[1]}`, host: 'h', port: 1, protocol: 'smtp' },
  };
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const hour = 3_600_000;
const original =
  'From: Sender <s@sender.test>\r\nTo: a@remote.test\r\nSubject: =?UTF-8?B?5Lya6K2w?=\r\nMessage-ID: <orig-1@sender.test>\r\n\r\nbody text\r\n';

describe('MailQueue DSNs and lifetime', () => {
  let root: string;
  let now: number;
  let transport: RecordingTransport;
  const queues: MailQueue[] = [];

  async function startQueue(notices: { delayWarningAfterMs?: number; maximalQueueLifetimeMs?: number } = {}) {
    const queue = new MailQueue({
      root,
      clock: { now: () => now },
      route,
      transports: { lmtp: transport, smtp: transport },
      backoff: { firstMs: 60_000, maxMs: hour },
      notices: { reportingMta: 'director01.test', ...notices },
    });
    await queue.start();
    queues.push(queue);
    return queue;
  }
  const message = (to: string[], sender = 's@sender.test') => ({
    sender,
    recipients: to.map((address) => ({ address, original: address.replace('@', '+orig@') })),
    content: Buffer.from(original),
  });
  const stopAll = async () => {
    for (const queue of queues.splice(0)) await queue.stop();
  };

  beforeEach(async () => {
    root = await makeTempDir('queue-dsn-');
    now = Date.UTC(2026, 0, 5, 9, 0, 0);
    transport = new RecordingTransport();
  });
  afterEach(async () => {
    await stopAll();
    await removeTempDir(root);
  });

  it('a 5xx bounce sends an RFC 3464 bounce DSN from <> to the sender, with the original headers', async () => {
    transport.reply = (address) =>
      address === 'a@remote.test'
        ? {
            address,
            outcome: 'bounced',
            reason: 'mx.remote.test[127.0.0.1] said: 550 5.1.1 no such user',
            remoteMta: 'mx.remote.test',
          }
        : { address, outcome: 'delivered', reason: '250 ok' };
    const queue = await startQueue();
    const id = await queue.enqueue(message(['a@remote.test', 'b@remote.test']));
    await until(() => transport.dsns().length === 1);
    await until(() => queue.list().length === 0);
    const [dsn] = transport.dsns();
    expect(dsn?.addresses).toEqual(['s@sender.test']);
    expect(dsn?.id).toBe(`${id}-b0`);
    const text = dsn?.content ?? '';
    expect(text).toMatch(/^From: Mail Delivery System <MAILER-DAEMON@director01\.test>\r\n/);
    expect(text).toContain('Content-Type: multipart/report; report-type=delivery-status;');
    expect(text).toContain('Auto-Submitted: auto-replied');
    const status = text.slice(text.indexOf('Content-Type: message/delivery-status'));
    expect(status).toContain('Reporting-MTA: dns; director01.test');
    expect(status).toContain(`X-Mailfleet-Queue-ID: ${id}`);
    expect(status).toContain(`Arrival-Date: ${new Date(now).toUTCString()}`);
    expect(status).toContain(
      'Final-Recipient: rfc822; a@remote.test\r\nOriginal-Recipient: rfc822; a+orig@remote.test\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx.remote.test\r\nDiagnostic-Code: smtp; 550 5.1.1 no such user',
    );
    // Only the bounced recipient is reported.
    expect(status).not.toContain('b@remote.test');
    expect(text).toContain(
      'Content-Type: text/rfc822-headers\r\nContent-Description: Undelivered message headers\r\n\r\nFrom: Sender <s@sender.test>\r\nTo: a@remote.test\r\n',
    );
    expect(text).not.toContain('body text');
    const parsed = await simpleParser(text);
    expect(parsed.subject).toContain('配信できなかったメールの返送');
    expect(parsed.text).toContain('could not be delivered');
    expect(parsed.text).toContain('配送できませんでした');
    expect(parsed.text).toContain('<a@remote.test>: mx.remote.test[127.0.0.1] said: 550 5.1.1 no such user');
    // The queue forgets a finished message before its files are unlinked (removeDurably).
    await until(async () => (await readdir(join(root, 'messages'))).length === 0);
    expect(await readdir(join(root, 'messages'))).toEqual([]);
  });

  it('never sends a DSN for a null-sender message (no loops), and a bounced DSN just ends', async () => {
    transport.reply = (address) => ({ address, outcome: 'bounced', reason: '550 5.1.1 no' });
    const queue = await startQueue();
    await queue.enqueue(message(['a@remote.test'], ''));
    await queue.enqueue(message(['b@remote.test']));
    // The second message bounces, its DSN to s@sender.test bounces too, and nothing more happens.
    await until(() => queue.list().length === 0);
    await queue.settled();
    expect(transport.sent).toEqual([]);
    // The queue forgets a finished message before its files are unlinked (removeDurably).
    await until(async () => (await readdir(join(root, 'messages'))).length === 0);
    expect(await readdir(join(root, 'messages'))).toEqual([]);
  });

  it('one delay DSN after delayWarningAfterMs, not again after a restart; a bounce DSN after the lifetime', async () => {
    transport.reply = (address) =>
      address === 's@sender.test'
        ? { address, outcome: 'delivered', reason: '250 ok' }
        : { address, outcome: 'deferred', reason: 'mx.remote.test[127.0.0.1] said: 451 4.3.0 try later' };
    const lifetime = 24 * hour;
    let queue = await startQueue({ delayWarningAfterMs: 4 * hour, maximalQueueLifetimeMs: lifetime });
    const id = await queue.enqueue(message(['a@remote.test']));
    await until(() => queue.list()[0]?.recipients[0]?.state === 'deferred');
    now += 3 * hour;
    queue.wake();
    await queue.settled();
    expect(transport.dsns()).toEqual([]);
    now += hour;
    queue.wake();
    await until(() => transport.dsns().length === 1);
    const delay = transport.dsns()[0]?.content ?? '';
    expect(transport.dsns()[0]?.id).toBe(`${id}-d`);
    expect(delay).toContain('Action: delayed\r\nStatus: 4.3.0\r\n');
    expect(delay).toContain(`Will-Retry-Until: ${new Date(now - 4 * hour + lifetime).toUTCString()}`);
    expect((await simpleParser(delay)).text).toContain('まだ配送されていません');
    // Once only: more time, more attempts, a restart.
    now += hour;
    queue.wake();
    await queue.settled();
    await stopAll();
    now += hour;
    queue = await startQueue({ delayWarningAfterMs: 4 * hour, maximalQueueLifetimeMs: lifetime });
    await queue.settled();
    queue.wake();
    await queue.settled();
    expect(transport.dsns()).toHaveLength(1);
    expect(queue.list().map((e) => e.id)).toEqual([id]);
    now += lifetime;
    queue.wake();
    await until(() => transport.dsns().length === 2);
    await until(() => queue.list().length === 0);
    const bounce = transport.dsns()[1]?.content ?? '';
    expect(transport.dsns()[1]?.id).toBe(`${id}-b0`);
    expect(bounce).toContain('Action: failed\r\nStatus: 4.4.7\r\n');
    // The last remote reply is the Diagnostic-Code; the expiry is explained in the readable part.
    expect(bounce).toContain('Diagnostic-Code: smtp; 451 4.3.0 try later');
    expect((await simpleParser(bounce)).text).toMatch(
      /message expired after 1 day in the queue; last reason: .*451 4\.3\.0 try later/,
    );
  });

  it('delayWarningAfterMs 0 sends no delay DSN; held recipients do not expire while held', async () => {
    transport.reply = (address) => ({ address, outcome: 'deferred', reason: '451 4.3.0 later' });
    const queue = await startQueue({ delayWarningAfterMs: 0, maximalQueueLifetimeMs: 10 * hour });
    await queue.hold({ user: 'h@remote.test' });
    const id = await queue.enqueue(message(['a@remote.test', 'h@remote.test']));
    await until(() => queue.list()[0]?.recipients[0]?.state === 'deferred');
    now += 9 * hour;
    queue.wake();
    await queue.settled();
    expect(transport.dsns()).toEqual([]);
    transport.reply = (address) => ({
      address,
      outcome: address === 's@sender.test' ? 'delivered' : 'deferred',
      reason: '451 4.3.0 later',
    });
    now += 2 * hour;
    queue.wake();
    await until(() => transport.dsns().length === 1);
    await queue.settled();
    expect(queue.list()[0]?.recipients.map((r) => [r.address, r.state])).toEqual([
      ['a@remote.test', 'bounced'],
      ['h@remote.test', 'pending'],
    ]);
    expect(transport.dsns()[0]?.content).not.toContain('h@remote.test');
    await queue.release({ user: 'h@remote.test' });
    await until(() => transport.dsns().length === 2);
    await until(() => queue.list().length === 0);
    expect(transport.dsns()[1]?.content).toContain('Final-Recipient: rfc822; h@remote.test');
    expect(transport.dsns().map((d) => d.id)).toEqual([`${id}-b0`, `${id}-b1`]);
  });

  it('bounce(id, addresses, reason) bounces queued recipients with a DSN (the queue.delete hook)', async () => {
    transport.reply = (address) =>
      address === 's@sender.test'
        ? { address, outcome: 'delivered', reason: '250 ok' }
        : { address, outcome: 'deferred', reason: '451 4.3.0 later' };
    const queue = await startQueue();
    const id = await queue.enqueue(message(['a@remote.test', 'b@remote.test']));
    await until(() => queue.list()[0]?.recipients.every((r) => r.state === 'deferred') ?? false);
    expect(await queue.bounce(id, ['B@remote.test'], '5.0.0 deleted by the administrator')).toBe(1);
    await until(() => transport.dsns().length === 1);
    expect(transport.dsns()[0]?.content).toContain('Final-Recipient: rfc822; b@remote.test');
    expect(transport.dsns()[0]?.content).toContain(
      'Status: 5.0.0\r\nDiagnostic-Code: X-mailfleet; 5.0.0 deleted by the administrator',
    );
    expect(await queue.bounce(id, undefined, '5.0.0 deleted')).toBe(1);
    await until(() => queue.list().length === 0);
    expect(await queue.bounce('no-such-id', undefined, 'x')).toBe(0);
  });

  describe('a kill -9 between planning, spooling and noting a DSN', () => {
    // State as a crash leaves it: a message with one bounced recipient (its DSN planned) and one
    // still deferred, so the message stays queued. The DSN's own recipient is deferred, so it stays too.
    async function crashedState(): Promise<{ id: string; dsnId: string }> {
      transport.reply = (address) =>
        address === 'a@remote.test'
          ? { address, outcome: 'bounced', reason: '550 5.1.1 no such user' }
          : { address, outcome: 'deferred', reason: '451 4.3.0 later' };
      const queue = await startQueue();
      const id = await queue.enqueue(message(['a@remote.test', 'b@remote.test']));
      const dsnId = `${id}-b0`;
      await until(() => queue.list().some((e) => e.id === dsnId));
      await queue.settled();
      await stopAll();
      return { id, dsnId };
    }
    const stateLines = async (id: string) =>
      (await readFile(join(root, 'messages', `${id}.state`), 'utf8')).split('\n').filter((l) => l !== '');
    const dropNotices = async (id: string) => {
      const kept = (await stateLines(id)).filter((line) => !line.includes('"n":'));
      await writeFile(join(root, 'messages', `${id}.state`), `${kept.join('\n')}\n`);
    };

    it('spooled but not noted: the restart notes it and never spools it twice', async () => {
      const { id, dsnId } = await crashedState();
      await dropNotices(id);
      const before = await readFile(join(root, 'messages', `${dsnId}.msg`));
      const queue = await startQueue();
      await queue.settled();
      expect(
        queue
          .list()
          .filter((e) => e.id.startsWith(`${id}-`))
          .map((e) => e.id),
      ).toEqual([dsnId]);
      expect(await readFile(join(root, 'messages', `${dsnId}.msg`))).toEqual(before);
      expect((await stateLines(id)).filter((l) => l.includes('"n":"failed"'))).toHaveLength(1);
    });

    it('planned but not spooled: the restart writes it once', async () => {
      const { id, dsnId } = await crashedState();
      await dropNotices(id);
      await rm(join(root, 'messages', `${dsnId}.msg`));
      await rm(join(root, 'messages', `${dsnId}.state`), { force: true });
      const queue = await startQueue();
      await queue.settled();
      expect(queue.list().filter((e) => e.id === dsnId)).toHaveLength(1);
      const dsn = await readFile(join(root, 'messages', `${dsnId}.msg`), 'utf8');
      expect(dsn).toContain('Final-Recipient: rfc822; a@remote.test');
      expect((await stateLines(id)).filter((l) => l.includes('"n":"failed"'))).toHaveLength(1);
      // A second restart adds nothing.
      await stopAll();
      const again = await startQueue();
      await again.settled();
      expect(again.list().filter((e) => e.id.startsWith(`${id}-`))).toHaveLength(1);
      expect((await stateLines(id)).filter((l) => l.includes('"n":"failed"'))).toHaveLength(1);
    });
  });
});
