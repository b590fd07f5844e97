/**
 * Issue 10, findings 9 and 10, as an attacker would try them over SSH against a real store agent:
 * a domain admin reading another department's user through an alias that user holds in the
 * admin's domain, and a node's host key listing a store's mailboxes and sessions.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import type { RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
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
