/**
 * The operations on the mail path (gateway, director, two stores, embedded directory; real Agents),
 * all over the real SSH RPC: a mailHost flip with route.invalidate, queue.hold/release,
 * proxy.hold/kick and the proxy's sessions, service restarts that keep their ports, and the
 * gateway's status and statistics. bob has one message ("hello bob", through the gateway) before
 * the tests start, to read through the proxy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUsers } from '../../support/store-seed.js';
import { mailPathClients, outside, sender } from './mail-path-clients.js';
import { type MailPathFleet, sendMail, startMailPathFleet, until } from './mail-path-fleet.js';

const { alice, bob, carol, dave } = storeUsers;

let fleet: MailPathFleet;
const { viaGateway, imapClient, subjectsViaProxy, poplibUser, inboxCount } = mailPathClients(() => fleet);

beforeAll(async () => {
  fleet = await startMailPathFleet();
  // bob's one message, read through the proxy by the tests below.
  await viaGateway([bob.mail], 'hello bob');
  await until(async () => (await inboxCount('store02', bob.mail)) === 1);
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

describe('operations over the SSH RPC', () => {
  it('after a mailHost flip and route.invalidate, the next message lands on the new store', async () => {
    await viaGateway([carol.mail], 'carol on store01');
    await until(async () => (await inboxCount('store01', carol.mail)) === 1);
    await fleet.writer.modifyUser(carol.mail, { mailHost: 'store02' });
    const director = await fleet.rpc('director01', 'hd');
    expect(await director.client.call('route.invalidate', { target: { user: carol.mail } })).toEqual({
      invalidated: true,
    });
    await viaGateway([carol.mail], 'carol on store02');
    await until(async () => (await inboxCount('store02', carol.mail)) === 1);
    // store01 now refuses to speak for carol; the proxy follows the flip: she reads store02's mailbox.
    await expect(inboxCount('store01', carol.mail)).rejects.toThrow(/on store store02/);
    expect(await subjectsViaProxy(carol.mail, carol.password)).toEqual(['carol on store02']);
  });

  it("route.invalidate also drops the proxy's cached store endpoints", async () => {
    const director = await fleet.rpc('director01', 'hd');
    const original = (await fleet.writer.getServer('store02'))?.endpoints ?? {};
    // A fresh cache (10 s TTL) for the steps below.
    await director.client.call('route.invalidate', { target: { logicalStore: 'store02' } });
    expect(await subjectsViaProxy(bob.mail, bob.password)).toContain('hello bob');
    // store02 "moves" its IMAP endpoint to a port where nothing listens.
    await fleet.writer.updateServer('store02', { endpoints: { ...original, imap: '127.0.0.1:1' } });
    try {
      expect(await subjectsViaProxy(bob.mail, bob.password)).toContain('hello bob'); // still cached
      await director.client.call('route.invalidate', { target: { logicalStore: 'store02' } });
      const error = (await subjectsViaProxy(bob.mail, bob.password).then(
        () => undefined,
        (failure: unknown) => failure,
      )) as { serverResponseCode?: string; response?: string } | undefined;
      expect(error?.serverResponseCode).toBe('UNAVAILABLE');
      expect(error?.response).toMatch(/store02 is not available/);
    } finally {
      await fleet.writer.updateServer('store02', { endpoints: original });
      await director.client.call('route.invalidate', { target: { logicalStore: 'store02' } });
    }
    expect(await subjectsViaProxy(bob.mail, bob.password)).toContain('hello bob');
  });

  it("queue.hold keeps a user's mail queued at the director; queue.release delivers it", async () => {
    const director = await fleet.rpc('director01', 'hd');
    await director.client.call('queue.hold', { hold: { user: dave.mail } });
    expect((await viaGateway([dave.mail], 'held for dave')).at(-1)).toMatchObject({ ok: true });
    await until(async () => {
      const summary = (await director.client.call('queue.summary', {})) as { recipients: { held: number } };
      return summary.recipients.held === 1;
    });
    expect(await inboxCount('store01', dave.mail)).toBe(0);
    expect(await director.client.call('queue.release', { hold: { user: dave.mail } })).toMatchObject({
      released: true,
    });
    await until(async () => (await inboxCount('store01', dave.mail)) === 1);
  });

  it('proxy.hold refuses IMAP logins with NO [UNAVAILABLE] until proxy.release', async () => {
    const director = await fleet.rpc('director01', 'hd');
    // Held by her other address: the proxy knows her by her primary one, whatever she logs in with.
    expect(await director.client.call('proxy.hold', { user: alice.extra })).toEqual({ held: [alice.mail] });
    await expect(director.client.call('proxy.hold', { user: 'nobody@alpha.example' })).rejects.toThrow(
      /no user has the address nobody@alpha\.example/,
    );
    const held = imapClient(alice.mail, alice.password);
    const error = (await held.connect().then(
      () => undefined,
      (failure: unknown) => failure,
    )) as { serverResponseCode?: string; response?: string } | undefined;
    expect(error?.serverResponseCode).toBe('UNAVAILABLE');
    expect(error?.response).toMatch(/being moved/);
    held.close();
    expect(await director.client.call('proxy.release', { user: alice.mail })).toEqual({
      released: true,
      held: [],
    });
    await expect(subjectsViaProxy(alice.mail, alice.password)).resolves.toBeInstanceOf(Array);
  });

  it('proxy.sessions lists relayed IMAP and POP3 sessions with their store; proxy.kick closes them (domain admins: own domains only)', async () => {
    const imap = imapClient(bob.mail, bob.password);
    await imap.connect();
    const closed = new Promise<void>((resolve) => imap.once('close', () => resolve()));
    const pop3 = await poplibUser(bob.mail, bob.password);
    expect(pop3.greeting).toMatch(/^\+OK/);
    const director = await fleet.rpc('director01', 'hd');
    const listed = (await director.client.call('proxy.sessions', { user: bob.mail })) as {
      sessions: { protocol: string; user: string; storeNode: string; clientAddress: string }[];
    };
    expect(listed.sessions).toEqual([
      expect.objectContaining({ protocol: 'imap', user: bob.mail, storeNode: 'store02' }),
      expect.objectContaining({ protocol: 'pop3', user: bob.mail, storeNode: 'store02' }),
    ]);
    const domainAdmin = await fleet.rpc('director01', 'dom');
    await expect(domainAdmin.client.call('proxy.kick', { user: alice.mail })).rejects.toThrow(
      /may not act on alice@alpha\.example/,
    );
    await expect(domainAdmin.client.call('proxy.hold', { user: bob.mail })).rejects.toThrow(/domain/);
    expect(await domainAdmin.client.call('proxy.kick', { user: bob.mail })).toEqual({ closed: 2 });
    await closed;
    expect(await pop3.probe()).toBe('closed');
    expect(await director.client.call('proxy.sessions', {})).toEqual({ sessions: [] });
    const audit = (await director.client.call('audit.tail', { limit: 50 })) as {
      entries: { method: string; outcome: string; caller: { id: string } }[];
    };
    expect(
      audit.entries.filter((e) => e.method === 'proxy.kick').map((e) => `${e.caller.id}:${e.outcome}`),
      // The tier may call proxy.kick for its own domains; a user outside them is refused (denied).
    ).toEqual(['dom:denied', 'dom:ok']);
  });

  it('service.restart of imap-proxy and of the gateway smtp keeps their published ports', async () => {
    const director = await fleet.rpc('director01', 'sys');
    const gateway = await fleet.rpc('gateway01', 'sys');
    expect(await director.client.call('service.restart', { service: 'imap-proxy' })).toMatchObject({
      service: {
        name: 'imap-proxy',
        state: 'running',
        detail: `listening on 127.0.0.1:${fleet.endpoints.imap.port}`,
      },
    });
    expect(await gateway.client.call('service.restart', { service: 'smtp' })).toMatchObject({
      service: { name: 'smtp', state: 'running' },
    });
    expect(await subjectsViaProxy(bob.mail, bob.password)).toContain('hello bob');
    const refused = await sendMail(
      fleet.endpoints.gatewaySmtp,
      outside,
      { from: sender, to: ['nobody@alpha.example'] },
      'after restart',
    );
    expect(refused).toMatchObject({ ok: false, code: 550 });
  });

  it('the gateway reports its status and statistics; a store refuses the gateway RPCs', async () => {
    // Traffic of this test's own: one delivered message (greylisted first), one unknown recipient.
    expect((await viaGateway([dave.mail], 'counted', '127.0.9.9')).map((a) => a.ok)).toEqual([false, true]);
    await sendMail(
      fleet.endpoints.gatewaySmtp,
      '127.0.9.9',
      { from: sender, to: ['ghost@beta.example'] },
      'x',
    );
    const gateway = await fleet.rpc('gateway01', 'hd');
    const status = (await gateway.client.call('gateway.status', {})) as Record<string, unknown>;
    expect(status).toMatchObject({
      listening: true,
      contentScanning: { configured: false, text: 'content scanning: not configured' },
      nextHop: `${fleet.endpoints.directorSmtp.host}:${fleet.endpoints.directorSmtp.port}`,
    });
    expect((status.greylist as { passedTriplets: number }).passedTriplets).toBeGreaterThanOrEqual(1);
    const statistics = (await gateway.client.call('spam.statistics', {})) as {
      totals: Record<string, number>;
      lastDecisions: { outcome: string; recipient: string }[];
    };
    expect(statistics.totals.greylisted).toBeGreaterThanOrEqual(1);
    expect(statistics.totals.rejectedUnknownRecipient).toBeGreaterThanOrEqual(1);
    expect(statistics.totals.clean).toBeGreaterThanOrEqual(1);
    expect(statistics.lastDecisions.slice(0, 3)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ outcome: 'rejectedUnknownRecipient', recipient: 'ghost@beta.example' }),
        expect.objectContaining({ outcome: 'clean', recipient: dave.mail }),
      ]),
    );
    const metrics = (await gateway.client.call('node.metrics', {})) as { counters: Record<string, number> };
    expect(metrics.counters).toHaveProperty('gateway_greylisted_per_minute');
    const directorMetrics = (await (await fleet.rpc('director01', 'hd')).client.call('node.metrics', {})) as {
      counters: Record<string, number>;
    };
    // The sample is up to a second old, so only the names are certain here.
    expect(Object.keys(directorMetrics.counters)).toEqual(
      expect.arrayContaining([
        'queue_messages',
        'queue_recipients_held',
        'proxy_imap_sessions',
        'proxy_pop3_sessions',
      ]),
    );
    const store = await fleet.rpc('store01', 'hd');
    await expect(store.client.call('gateway.status', {})).rejects.toThrow(/runs no gateway/);
    await expect(store.client.call('proxy.sessions', {})).rejects.toThrow(/runs no IMAP\/POP3 proxy/);
  });
});
