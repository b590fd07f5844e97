/**
 * Issue 10, findings 9 and 10, as an attacker would try them over SSH against a real store agent:
 * a domain admin reading another department's user through an alias that user holds in the
 * admin's domain, and a node's host key listing a store's mailboxes and sessions.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { rpcErrorCodes } from '../../../agent/common/contract/json-rpc.js';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { domainTailBurst, domainTailEveryMs } from '../../../agent/control/audit-methods.js';
import { storeUsers } from '../../support/store-seed.js';
import { type AccessFixture, frank, startAccessFixture } from './access-fixture.js';

let fixture: AccessFixture;
beforeAll(async () => {
  fixture = await startAccessFixture();
});
afterAll(async () => {
  await fixture?.stop();
});

async function refusal(call: Promise<unknown>): Promise<RpcCallError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RpcCallError);
  return error as RpcCallError;
}

async function withCaller<T>(connection: Promise<RpcConnection>, run: (c: RpcConnection) => Promise<T>) {
  const open = await connection;
  try {
    return await run(open);
  } finally {
    open.close();
  }
}

test("a domain admin cannot read or kick another department's user through that user's alias in its own domain", async () => {
  // The helpdesk sees that the alias is frank's (of beta.example): the address does resolve to him.
  const stats = await withCaller(fixture.connect('hd'), (hd) =>
    hd.client.call('mailbox.stats', { user: frank.alias }),
  );
  expect(stats).toMatchObject({ user: frank.mail, exists: true });

  await withCaller(fixture.connect('alpha-admin'), async (alphaAdmin) => {
    const read = await refusal(alphaAdmin.client.call('mailbox.stats', { user: frank.alias }));
    expect(read.codeName).toBe('forbidden');
    expect(read.message).toMatch(/beta\.example is not one of their domains/);
    expect((await refusal(alphaAdmin.client.call('session.kick', { user: frank.alias }))).codeName).toBe(
      'forbidden',
    );
    // Its own users, by primary address or alias, stay readable.
    const alice = await alphaAdmin.client.call('mailbox.stats', { user: storeUsers.alice.extra });
    expect(alice.user).toBe(storeUsers.alice.mail);
  });
});

test('a peer key may not list mailboxes, read a mailbox or list sessions on a store', async () => {
  await withCaller(fixture.connect('store02'), async (peer) => {
    expect((await peer.client.call('node.info', {})).name).toBe('store01');
    for (const call of [
      peer.client.call('mailbox.list', {}),
      peer.client.call('mailbox.stats', { user: storeUsers.dave.mail }),
      peer.client.call('session.list', {}),
      peer.client.call('proxy.sessions', {}),
      peer.client.call('service.list', {}),
      peer.client.call('node.metrics', {}),
    ]) {
      const error = await refusal(call);
      expect(error.codeName).toBe('forbidden');
      expect(error.message).toMatch(/^tier peer may not call/);
    }
  });
});

test("a domain admin reading the audit log in a loop is held to a burst, then one read every 2 s; staff are not, and other departments' admins keep their own", async () => {
  // A department admin's tail scans up to 16 MiB of the log for its few entries: a loop of them
  // would take the store's time from everyone else.
  const outcomes = await withCaller(fixture.connect('alpha-admin'), async (alpha) => {
    const seen: Array<'ok' | RpcCallError> = [];
    for (let n = 0; n < domainTailBurst + 2; n++)
      seen.push(
        await alpha.client.call('audit.tail', { limit: 5 }).then(
          () => 'ok' as const,
          (error: unknown) => error as RpcCallError,
        ),
      );
    return seen;
  });
  expect(outcomes.slice(0, domainTailBurst)).toEqual(Array(domainTailBurst).fill('ok'));
  const refused = outcomes.slice(domainTailBurst);
  for (const error of refused) {
    expect(error).toBeInstanceOf(RpcCallError);
    expect((error as RpcCallError).code).toBe(rpcErrorCodes.unavailable);
    expect((error as RpcCallError).message).toMatch(
      /^too many audit reads by domain admin alpha-admin \(at most one every 2 s after 6\): try again in [12] s$/,
    );
  }
  // Another department admin (signing in with its password) has a burst of its own.
  await withCaller(fixture.connect('alpha-pw'), async (other) => {
    expect((await other.client.call('audit.tail', { limit: 5 })).entries).toBeInstanceOf(Array);
  });
  // System and helpdesk admins read on.
  for (const staff of ['sys', 'hd'] as const)
    await withCaller(fixture.connect(staff), async (admin) => {
      for (let n = 0; n < domainTailBurst * 2; n++)
        expect((await admin.client.call('audit.tail', { limit: 5 })).entries).toBeInstanceOf(Array);
    });
  // Two seconds later one more read is allowed again.
  await new Promise((resolve) => setTimeout(resolve, domainTailEveryMs + 100));
  await withCaller(fixture.connect('alpha-admin'), async (alpha) => {
    expect((await alpha.client.call('audit.tail', { limit: 5 })).entries).toBeInstanceOf(Array);
    expect((await refusal(alpha.client.call('audit.tail', { limit: 5 }))).code).toBe(
      rpcErrorCodes.unavailable,
    );
  });
});
