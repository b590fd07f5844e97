/**
 * Login routing of the proxies against the real embedded directory, with a clock the test drives:
 * throttling of failed logins per user and per client address, disabled mailboxes, the store
 * locator's cache and its invalidate hook, and endpoint parsing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { DirectorAuthenticator } from '../../../../agent/mail/director/director-authenticator.js';
import { ProxyHolds } from '../../../../agent/mail/proxy/proxy-holds.js';
import { routeLogin } from '../../../../agent/mail/proxy/proxy-login.js';
import { parseEndpoint, StoreLocator } from '../../../../agent/mail/proxy/store-locator.js';
import { AgentTestDirectory } from '../../../support/agent-test-directory.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';

const { alice, bob, carol, dave, eve } = storeUsers;
let now = 1_000_000;
const clock = { now: () => now };
let directory: AgentTestDirectory;
let reader: LdapFleetDirectory;
let listReads = 0;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store', endpoints: { imap: '127.0.0.1:1143', pop3: '127.0.0.1:1110' } },
      { name: 'store02', role: 'store', endpoints: { imap: '[::1]:2143' } },
      { name: 'director01', role: 'director' },
    ],
    admins: [],
    extraEntries: storeSeedEntries,
  });
  reader = directory.reader('director01');
}, 30_000);

afterAll(async () => {
  await reader?.close();
  await directory?.stop();
});

/** The directory, counting store-list reads. */
function countingSource() {
  return {
    listLogicalStores: () => {
      listReads++;
      return reader.listLogicalStores();
    },
    listServers: () => reader.listServers(),
  };
}

describe('proxy login routing', () => {
  it('routes users of both stores, by any of their addresses', async () => {
    const routing = {
      authenticator: new DirectorAuthenticator({ directory: reader, clock }),
      locator: new StoreLocator({ directory: reader, clock }),
      holds: new ProxyHolds(),
      sessionsOf: () => 0,
      maxSessionsPerUserAddress: 10,
    };
    expect(await routeLogin(routing, alice.extra.toUpperCase(), alice.password, '10.0.0.1', 'imap')).toEqual({
      ok: true,
      user: alice.mail,
      endpoint: { node: 'store01', host: '127.0.0.1', port: 1143 },
    });
    expect(await routeLogin(routing, bob.mail, bob.password, '10.0.0.1', 'imap')).toEqual({
      ok: true,
      user: bob.mail,
      endpoint: { node: 'store02', host: '::1', port: 2143 },
    });
    // store02 publishes no pop3 endpoint: a temporary refusal that names the node.
    expect(await routeLogin(routing, bob.mail, bob.password, '10.0.0.1', 'pop3')).toMatchObject({
      ok: false,
      kind: 'unavailable',
      message: expect.stringContaining('store02 publishes no usable pop3 endpoint'),
    });
    expect(await routeLogin(routing, eve.mail, eve.password, '10.0.0.1', 'imap')).toMatchObject({
      ok: false,
      kind: 'disabled',
    });
    expect(await routeLogin(routing, eve.mail, 'wrong', '10.0.0.1', 'imap')).toMatchObject({
      ok: false,
      kind: 'auth',
    });
    routing.holds.hold(dave.mail.toUpperCase());
    expect(await routeLogin(routing, dave.mail, dave.password, '10.0.0.1', 'imap')).toMatchObject({
      ok: false,
      kind: 'held',
    });
    expect(routing.holds.list()).toEqual([dave.mail]);
  });

  it('throttles failed logins per user, and a right password waits too', async () => {
    const authenticator = new DirectorAuthenticator({ directory: reader, clock });
    for (let attempt = 0; attempt < 4; attempt++) {
      const result = await authenticator.authenticate(carol.mail, 'wrong', `10.1.0.${attempt}`);
      expect(result).toMatchObject({ ok: false, reason: 'invalid-credentials' });
    }
    expect(await authenticator.authenticate(carol.mail, carol.password, '10.1.0.9')).toMatchObject({
      ok: false,
      reason: 'throttled',
    });
    now += 1_001;
    expect(await authenticator.authenticate(carol.mail, carol.password, '10.1.0.9')).toMatchObject({
      ok: true,
      user: carol.mail,
    });
  });

  it('throttles failed logins per client address across user names', async () => {
    const authenticator = new DirectorAuthenticator({ directory: reader, clock });
    for (let attempt = 0; attempt < 11; attempt++) {
      await authenticator.authenticate(`guess${attempt}@alpha.example`, 'x', '10.2.0.1');
    }
    expect(await authenticator.authenticate(alice.mail, alice.password, '10.2.0.1')).toMatchObject({
      ok: false,
      reason: 'throttled',
    });
    expect(await authenticator.authenticate(alice.mail, alice.password, '10.2.0.2')).toMatchObject({
      ok: true,
    });
  });

  it('shares one directory check between identical logins in flight', async () => {
    let binds = 0;
    const counting = {
      findUserByAddress: (address: string) => reader.findUserByAddress(address),
      verifyPassword: (address: string, password: string) => {
        binds++;
        return reader.verifyPassword(address, password);
      },
    };
    const authenticator = new DirectorAuthenticator({ directory: counting, clock });
    const results = await Promise.all([
      authenticator.authenticate(dave.mail, dave.password, '10.3.0.1'),
      authenticator.authenticate(dave.mail, dave.password, '10.3.0.1'),
      authenticator.authenticate(dave.mail, dave.password, '10.3.0.1'),
    ]);
    expect(results.map((result) => result.ok)).toEqual([true, true, true]);
    expect(binds).toBe(1);
    await authenticator.authenticate(dave.mail, 'other', '10.3.0.1');
    expect(binds).toBe(2);
  });

  it('caches store locations for the TTL and reads again after invalidate', async () => {
    const locator = new StoreLocator({ directory: countingSource(), clock, ttlMs: 5_000 });
    listReads = 0;
    await Promise.all([locator.locate('store01', 'imap'), locator.locate('store02', 'imap')]);
    await locator.locate('store01', 'pop3');
    expect(listReads).toBe(1);
    now += 5_000;
    await locator.locate('store01', 'imap');
    expect(listReads).toBe(2);
    locator.invalidate();
    await locator.locate('store01', 'imap');
    expect(listReads).toBe(3);
    await expect(locator.locate('store99', 'imap')).rejects.toThrow('store99 is not in the directory');
  });

  it('parses endpoints strictly', () => {
    expect(parseEndpoint('store01.example:143')).toEqual({ host: 'store01.example', port: 143 });
    expect(parseEndpoint('[2001:db8::1]:993')).toEqual({ host: '2001:db8::1', port: 993 });
    for (const bad of ['store01', 'store01:0', 'store01:70000', 'a b:1', ':143', 'host:143x']) {
      expect(parseEndpoint(bad)).toBeUndefined();
    }
  });
});
