/** RecipientRouter against the real embedded directory: expansion, forwards, caches and invalidation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  directoryBaseEntries,
  mailAliasEntry,
  mailUserEntry,
  serverEntry,
} from '../../../../../agent/common/directory/seed-entries.js';
import { RecipientRouter } from '../../../../../agent/mail/director/inbound/recipient-router.js';
import { startEmbeddedDirectory } from '../../../../support/embedded-directory.js';
import { storeSeedEntries, storeUsers } from '../../../../support/store-seed.js';
import type { TestDirectory } from '../../../../support/test-directory.js';

const { alice, bob, carol } = storeUsers;

describe('RecipientRouter (embedded directory)', () => {
  let directory: TestDirectory;
  let ldap: LdapFleetDirectory;
  let now = 0;
  const router = () =>
    new RecipientRouter({ directory: ldap, clock: { now: () => now }, ttlMs: 60_000, negativeTtlMs: 10_000 });

  beforeAll(async () => {
    const tree = new FleetTree('dc=mailfleet,dc=test');
    directory = await startEmbeddedDirectory(tree.baseDn, [
      ...directoryBaseEntries(tree),
      serverEntry(tree, {
        name: 'store01',
        role: 'store',
        address: '127.0.0.1',
        controlPort: 1,
        endpoints: { lmtp: '127.0.0.1:2401' },
        password: 'x',
      }),
      serverEntry(tree, {
        name: 'store02',
        role: 'store',
        address: '127.0.0.1',
        controlPort: 1,
        password: 'y',
      }),
      ...storeSeedEntries(tree),
      mailUserEntry(tree, {
        mail: 'fwd-local@alpha.example',
        displayName: 'Fwd Local',
        mailHost: 'store01',
        mailRoutingAddress: carol.mail,
        password: 'p',
      }),
      mailUserEntry(tree, {
        mail: 'fwd-remote@alpha.example',
        displayName: 'Fwd Remote',
        mailHost: 'store01',
        mailRoutingAddress: 'someone@far.example',
        password: 'p',
      }),
      mailAliasEntry(tree, { mail: 'loop-a@alpha.example', forwardTo: ['loop-b@alpha.example', alice.mail] }),
      mailAliasEntry(tree, { mail: 'loop-b@alpha.example', forwardTo: ['loop-a@alpha.example'] }),
    ]);
    ldap = LdapFleetDirectory.withPassword({
      url: directory.url,
      baseDn: tree.baseDn,
      bindDn: directory.rootDn,
      bindPassword: directory.rootPassword,
    });
  });
  afterAll(async () => {
    await ldap.close();
    await directory.stop();
  });

  it('follows mailRoutingAddress to a local mailbox or a remote address; alias loops end', async () => {
    const r = router();
    expect(await r.expand('FWD-LOCAL@alpha.example')).toEqual({
      kind: 'targets',
      mailboxes: [carol.mail],
      remote: [],
    });
    expect(await r.expand('fwd-remote@alpha.example')).toEqual({
      kind: 'targets',
      mailboxes: [],
      remote: ['someone@far.example'],
    });
    expect(await r.expand('loop-a@alpha.example')).toEqual({
      kind: 'targets',
      mailboxes: [alice.mail],
      remote: [],
    });
    expect(await r.expand(alice.extra)).toEqual({ kind: 'targets', mailboxes: [alice.mail], remote: [] });
    expect(await r.expand('nobody@alpha.example')).toEqual({ kind: 'unknown' });
  });

  it('routes to the serving node and its lmtp endpoint; defers when the node publishes none', async () => {
    const r = router();
    expect(await r.route(alice.mail)).toEqual({
      kind: 'deliver',
      destination: {
        key: 'lmtp:store01',
        logicalStore: 'store01',
        protocol: 'lmtp',
        host: '127.0.0.1',
        port: 2401,
      },
    });
    expect(await r.route(bob.mail)).toMatchObject({
      kind: 'defer',
      reason: expect.stringMatching(/store02 publishes no lmtp endpoint/),
    });
    expect(await r.route('gone@alpha.example')).toMatchObject({ kind: 'bounce' });
    expect(await r.route('x@far.example')).toMatchObject({
      kind: 'defer',
      reason: expect.stringMatching(/no outbound transport/),
    });
  });

  it('with an outbound port, routes remote recipients to their domain queue smtp:<domain>', async () => {
    const r = new RecipientRouter({ directory: ldap, clock: { now: () => now }, outboundPort: 2525 });
    expect(await r.route('X@Far.Example')).toEqual({
      kind: 'deliver',
      destination: { key: 'smtp:far.example', protocol: 'smtp', host: 'far.example', port: 2525 },
    });
    // Local users still go to their store.
    expect(await r.route(alice.mail)).toMatchObject({
      kind: 'deliver',
      destination: { key: 'lmtp:store01' },
    });
  });

  it('caches misses until the TTL or an invalidate, and picks up a new endpoint after invalidate({ logicalStore })', async () => {
    now = 1_000_000;
    const r = router();
    expect(await r.expand('late@beta.example')).toEqual({ kind: 'unknown' });
    await ldap.addUser(
      { mail: 'late@beta.example', displayName: 'Late Comer', mailHost: 'store01' },
      'Late-Comer-Pw-1',
    );
    expect(await r.expand('late@beta.example')).toEqual({ kind: 'unknown' });
    r.invalidate({ domain: 'beta.example' });
    expect(await r.expand('late@beta.example')).toEqual({
      kind: 'targets',
      mailboxes: ['late@beta.example'],
      remote: [],
    });

    await ldap.deleteUser('late@beta.example');
    expect(await r.expand('late@beta.example')).toMatchObject({ kind: 'targets' });
    now += 60_001;
    expect(await r.expand('late@beta.example')).toEqual({ kind: 'unknown' });

    // Cached: the node entry without an endpoint is reused until invalidated.
    expect(await r.route(bob.mail)).toMatchObject({ kind: 'defer' });
    await ldap.updateServer('store02', { endpoints: { lmtp: '127.0.0.1:2402' } });
    expect(await r.route(bob.mail)).toMatchObject({ kind: 'defer' });
    r.invalidate({ logicalStore: 'store02' });
    expect(await r.route(bob.mail)).toMatchObject({
      kind: 'deliver',
      destination: { key: 'lmtp:store02', port: 2402 },
    });
  });
});
