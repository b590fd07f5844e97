/**
 * Issue 4's first Must-hold end to end in real Agents (gateway, director, two stores, embedded
 * directory): SMTP from an outside 127.x address to the gateway is greylisted once, then lands in
 * the user's mailbox on the right store and is read through the director's IMAP proxy with
 * imapflow; an alias fans out; unknown users and relaying are refused at the gateway and the
 * director. Then the operations: a mailHost flip with route.invalidate, queue.hold/release,
 * proxy.hold/kick, the gateway's status and statistics, all over the real SSH RPC.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodName } from '../../../agent/common/contract/methods.js';
import { type RoleGroupName, roleGroups } from '../../../agent/control/method-groups.js';
import { hostKeyPath } from '../../../agent/daemon/agent-config.js';
import { PeerLinks } from '../../../agent/moves/peer-links.js';
import { roles } from '../../../agent/roles.js';
import { storeUsers } from '../../support/store-seed.js';
import {
  greylistDelayMs,
  type MailPathFleet,
  type SmtpOutcome,
  sendMail,
  startMailPathFleet,
  teamAlias,
  until,
} from './mail-path-fleet.js';

const { alice, bob, carol, dave } = storeUsers;
const outside = '127.0.4.5';
const sender = 'someone@outside.example';

let fleet: MailPathFleet;

beforeAll(async () => {
  fleet = await startMailPathFleet();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

/** Through the gateway from outside; a greylisting 451 is retried once after the delay. */
async function viaGateway(to: string[], subject: string, from = outside): Promise<SmtpOutcome[]> {
  const attempts = [await sendMail(fleet.endpoints.gatewaySmtp, from, { from: sender, to }, subject)];
  const first = attempts[0] as SmtpOutcome;
  if (!first.ok && first.code === 451 && first.response.includes('4.7.1')) {
    await new Promise((resolve) => setTimeout(resolve, greylistDelayMs + 100));
    attempts.push(await sendMail(fleet.endpoints.gatewaySmtp, from, { from: sender, to }, subject));
  }
  return attempts;
}

function imapClient(user: string, password: string): ImapFlow {
  return new ImapFlow({
    host: fleet.endpoints.imap.host,
    port: fleet.endpoints.imap.port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
  });
}

/** Subjects in the user's INBOX, read through the director's IMAP proxy. */
async function subjectsViaProxy(user: string, password: string): Promise<string[]> {
  const imap = imapClient(user, password);
  await imap.connect();
  try {
    const inbox = await imap.mailboxOpen('INBOX');
    const subjects: string[] = [];
    if (inbox.exists === 0) return subjects;
    for await (const message of imap.fetch('1:*', { envelope: true }))
      subjects.push(message.envelope?.subject ?? '');
    return subjects;
  } finally {
    await imap.logout();
  }
}

// A POP3 user who logs in through the proxy, says so, and on a line from stdin tries a NOOP.
const poplibSession = `
import os, poplib, sys
p = poplib.POP3(os.environ['HOST'], int(os.environ['PORT']), timeout=10)
p.user(os.environ['POP_USER'])
print(p.pass_(os.environ['POP_PASS']).decode(), flush=True)
sys.stdin.readline()
try:
    p.noop()
    print('still open', flush=True)
except Exception:
    print('closed', flush=True)
`;

/** Python's poplib logged in through the director's POP3 proxy; `probe()` says whether it is still connected. */
async function poplibUser(user: string, password: string) {
  const child = spawn('python3', ['-c', poplibSession], {
    env: {
      ...process.env,
      HOST: fleet.endpoints.pop3.host,
      PORT: String(fleet.endpoints.pop3.port),
      POP_USER: user,
      POP_PASS: password,
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => String((await lines.next()).value ?? '');
  const greeting = await next();
  return {
    greeting,
    probe: async () => {
      child.stdin.write('\n');
      const answer = await next();
      await once(child, 'exit');
      return answer;
    },
  };
}

async function inboxCount(store: 'store01' | 'store02', user: string): Promise<number> {
  const rpc = await fleet.rpc(store);
  const stats = (await rpc.client.call('mailbox.stats', { user })) as {
    folders: { name: string; messages: number }[];
  };
  return stats.folders.find((folder) => folder.name === 'INBOX')?.messages ?? 0;
}

describe('inbound mail path: gateway -> director -> store, read through the proxy', () => {
  it('greylists the first attempt, then delivers to the user on the right store, readable through the IMAP proxy', async () => {
    const attempts = await viaGateway([bob.mail], 'hello bob');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ ok: false, code: 451 });
    expect(attempts[0]?.response).toMatch(/^451 4\.7\.1 Greylisted/);
    expect(attempts[1]).toMatchObject({ ok: true });
    await until(async () => (await inboxCount('store02', bob.mail)) === 1);
    expect(await subjectsViaProxy(bob.mail, bob.password)).toEqual(['hello bob']);
  });

  it('fans an alias out to each member on their own store', async () => {
    const attempts = await viaGateway([teamAlias], 'team news');
    expect(attempts.at(-1)).toMatchObject({ ok: true });
    await until(async () => (await subjectsViaProxy(alice.mail, alice.password)).includes('team news'));
    await until(async () => (await subjectsViaProxy(bob.mail, bob.password)).includes('team news'));
    expect(await inboxCount('store01', alice.mail)).toBe(1);
    expect(await inboxCount('store02', bob.mail)).toBe(2);
  });

  it('refuses an unknown user at RCPT with 550 5.1.1', async () => {
    const outcome = await sendMail(
      fleet.endpoints.gatewaySmtp,
      outside,
      { from: sender, to: ['nobody@alpha.example'] },
      'to nobody',
    );
    expect(outcome).toMatchObject({ ok: false, code: 550 });
    expect(outcome.response).toMatch(/5\.1\.1 no such user here/);
  });

  it('refuses relaying from outside at the gateway and at the director', async () => {
    const atGateway = await sendMail(
      fleet.endpoints.gatewaySmtp,
      outside,
      { from: sender, to: ['victim@elsewhere.example'] },
      'relay via gateway',
    );
    expect(atGateway).toMatchObject({ ok: false, code: 550 });
    expect(atGateway.response).toMatch(/5\.7\.1 relaying to victim@elsewhere\.example denied/);
    // 127.0.4.5 is not in the director's trusted networks (127.0.0.1/32 only, the gateway).
    const atDirector = await sendMail(
      fleet.endpoints.directorSmtp,
      outside,
      { from: sender, to: ['victim@elsewhere.example'] },
      'relay via director',
    );
    expect(atDirector).toMatchObject({ ok: false, code: 554 });
    expect(atDirector.response).toMatch(/5\.7\.1 relay access denied/);
  });
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

  it('each role answers the method groups agent/roles.ts gives it and refuses the others in their words', async () => {
    // The `sync` and `cutover` groups are for peers only: store02's agent (its host key) calls them.
    const peer = new PeerLinks({
      node: 'store02',
      privateKey: () => readFileSync(hostKeyPath(fleet.agents.store02.config), 'utf8'),
      directory: fleet.writer,
    });
    const alice = storeUsers.alice.mail;
    const oneCallOf: Record<RoleGroupName, [MethodName, unknown, 'sys' | 'peer']> = {
      store: ['mailbox.list', {}, 'sys'],
      queue: ['queue.summary', {}, 'sys'],
      route: ['route.invalidate', { target: { domain: 'gamma.example' } }, 'sys'],
      proxy: ['proxy.sessions', {}, 'sys'],
      gateway: ['gateway.status', {}, 'sys'],
      dkim: ['dkim.records', { domain: 'alpha.example' }, 'sys'],
      move: ['move.list', {}, 'sys'],
      sync: ['sync.figures', { user: alice }, 'peer'],
      cutover: ['cutover.release', { job: 'mv-store02-none', user: alice }, 'peer'],
      failover: ['failover.list', {}, 'sys'],
      reroute: ['failover.reroute', { store: 'store01', from: 'store01' }, 'peer'],
    };
    const nodes = [
      ['store01', 'store'],
      ['director01', 'director'],
      ['gateway01', 'gateway'],
    ] as const;
    try {
      for (const [node, role] of nodes) {
        const rpc = await fleet.rpc(node, 'sys');
        for (const group of Object.keys(roleGroups) as RoleGroupName[]) {
          const [method, params, by] = oneCallOf[group];
          const answer =
            by === 'sys'
              ? rpc.client.call(method, params as never)
              : peer.call(node, method, params as never);
          if (!roles[role].methodGroups.includes(group))
            await expect(answer, `${node} ${method}`).rejects.toThrow(roleGroups[group].absent);
          // Answered by the group's handler: alice is in no move of store02's, so her lock refuses it.
          else if (group === 'cutover')
            await expect(answer, `${node} ${method}`).rejects.toThrow(
              `${alice} is not being moved by job mv-store02-none`,
            );
          // This director has no `director.dkim`: the group's handler answers, in its words.
          else if (group === 'dkim')
            await expect(answer, `${node} ${method}`).rejects.toThrow('DKIM signing is not configured');
          // Answered by the group's handler: the directory names no failover node for store01.
          else if (group === 'reroute')
            await expect(answer, `${node} ${method}`).rejects.toThrow(
              'the directory does not name store02 as the failover node of store01',
            );
          else await expect(answer, `${node} ${method}`).resolves.toBeTypeOf('object');
        }
      }
    } finally {
      peer.close();
    }
  });
});
