/**
 * MailAuthenticator against the real embedded directory: passwords checked by binding, the store
 * placement and mailbox state rules, throttling per user and per client address, and the success
 * cache's timing driven by an injected clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  adminEntry,
  directoryBaseEntries,
  serverEntry,
} from '../../../../agent/common/directory/seed-entries.js';
import { MailAuthenticator } from '../../../../agent/mail/store/mail-authenticator.js';
import type { MailLoginResult } from '../../../../agent/mail/store/mail-login.js';
import { type StoreUserSource, StoreUsers } from '../../../../agent/mail/store/store-users.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { alphaDefaultQuota, storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const baseDn = 'dc=mailfleet,dc=test';
const tree = new FleetTree(baseDn);

let backend: TestDirectory;
let reader: LdapFleetDirectory;
let admin: LdapFleetDirectory;

beforeAll(async () => {
  backend = await startEmbeddedDirectory(baseDn, [
    ...directoryBaseEntries(tree),
    serverEntry(tree, {
      name: 'store01',
      role: 'store',
      address: '127.0.0.1',
      controlPort: 1,
      password: 'store01-secret',
    }),
    serverEntry(tree, {
      name: 'store02',
      role: 'store',
      address: '127.0.0.1',
      controlPort: 1,
      password: 'store02-secret',
    }),
    adminEntry(tree, { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', password: 'hd-secret' }),
    ...storeSeedEntries(tree),
  ]);
  reader = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn,
    bindDn: tree.server('store01'),
    bindPassword: 'store01-secret',
  });
  admin = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn,
    bindDn: tree.admin('hd'),
    bindPassword: 'hd-secret',
  });
});

afterAll(async () => {
  await reader?.close();
  await admin?.close();
  await backend?.stop();
});

/** A clock the test moves by hand. */
class TestClock {
  at = 1_000_000;
  now = (): number => this.at;
  advance(ms: number): void {
    this.at += ms;
  }
}

/** Counts password binds, to tell cached answers from directory answers. */
function counting(directory: StoreUserSource): StoreUserSource & { binds: number } {
  const counted = {
    binds: 0,
    findUserByAddress: (address: string) => directory.findUserByAddress(address),
    listLogicalStores: () => directory.listLogicalStores(),
    listDomains: () => directory.listDomains(),
    verifyPassword: (address: string, password: string) => {
      counted.binds += 1;
      return directory.verifyPassword(address, password);
    },
  };
  return counted;
}

let clock: TestClock;
let source: ReturnType<typeof counting>;
let auth: MailAuthenticator;

beforeEach(() => {
  clock = new TestClock();
  source = counting(reader);
  auth = new MailAuthenticator({
    users: new StoreUsers({ directory: source, node: 'store01', clock }),
    clock,
  });
});

function reasonOf(result: MailLoginResult): string {
  return result.ok ? 'ok' : result.reason;
}

describe('MailAuthenticator', () => {
  it('logs in a user of a store this node serves, with their own quota', async () => {
    const result = await auth.authenticate(storeUsers.alice.mail, storeUsers.alice.password, '127.0.0.1');
    expect(result).toEqual({
      ok: true,
      user: 'alice@alpha.example',
      quotaBytes: storeUsers.alice.quotaBytes,
      mailHost: 'store01',
    });
  });

  it('accepts a further address and upper case, and answers with the primary address', async () => {
    const result = await auth.authenticate('A.Smith@Alpha.Example', storeUsers.alice.password, '127.0.0.1');
    expect(result.ok && result.user).toBe('alice@alpha.example');
  });

  it('uses the domain default quota when the user has none, and 0 when the domain has none', async () => {
    const carol = await auth.authenticate(storeUsers.carol.mail, storeUsers.carol.password, '127.0.0.1');
    const dave = await auth.authenticate(storeUsers.dave.mail, storeUsers.dave.password, '127.0.0.1');
    expect(carol.ok && carol.quotaBytes).toBe(alphaDefaultQuota);
    expect(dave.ok && dave.quotaBytes).toBe(0);
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    const wrong = await auth.authenticate(storeUsers.alice.mail, 'nope', '127.0.0.1');
    const unknown = await auth.authenticate('nobody@alpha.example', 'nope', '127.0.0.1');
    expect(wrong).toMatchObject({ ok: false, reason: 'invalid-credentials' });
    expect(unknown).toEqual(wrong);
  });

  it('shares one directory check among identical logins in flight', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        auth.authenticate(storeUsers.alice.mail, storeUsers.alice.password, '127.0.0.1'),
      ),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(source.binds).toBe(1);
  });

  it('binds for an unknown user too, so both refusals cost the same', async () => {
    await auth.authenticate('nobody@alpha.example', 'nope', '127.0.0.1');
    expect(source.binds).toBe(1);
  });

  it('refuses an empty password without asking the directory', async () => {
    const result = await auth.authenticate(storeUsers.alice.mail, '', '127.0.0.1');
    expect(reasonOf(result)).toBe('invalid-credentials');
    expect(source.binds).toBe(0);
  });

  it("refuses another store's user with a reason that names their store", async () => {
    const result = await auth.authenticate(storeUsers.bob.mail, storeUsers.bob.password, '127.0.0.1');
    expect(result).toMatchObject({ ok: false, reason: 'wrong-store' });
    expect(!result.ok && result.message).toContain('store02');
  });

  it('refuses a disabled mailbox, but only says so to someone who knows the password', async () => {
    const right = await auth.authenticate(storeUsers.eve.mail, storeUsers.eve.password, '127.0.0.1');
    const wrong = await auth.authenticate(storeUsers.eve.mail, 'guess', '127.0.0.2');
    expect(reasonOf(right)).toBe('disabled');
    expect(reasonOf(wrong)).toBe('invalid-credentials');
  });

  it('throttles a user after the free failures, even with the right password, until the delay has passed', async () => {
    for (let i = 0; i < 4; i++) {
      expect(reasonOf(await auth.authenticate(storeUsers.carol.mail, `bad${i}`, `10.0.0.${i}`))).toBe(
        'invalid-credentials',
      );
    }
    const binds = source.binds;
    const throttled = await auth.authenticate(storeUsers.carol.mail, storeUsers.carol.password, '10.0.1.1');
    expect(throttled).toMatchObject({ ok: false, reason: 'throttled', retryAfterMs: 1000 });
    expect(source.binds).toBe(binds);
    clock.advance(1000);
    expect(
      reasonOf(await auth.authenticate(storeUsers.carol.mail, storeUsers.carol.password, '10.0.1.1')),
    ).toBe('ok');
  });

  it('throttles a client address that tries many users, but not other addresses', async () => {
    for (let i = 0; i < 11; i++) await auth.authenticate(`user${i}@alpha.example`, 'guess', '192.0.2.7');
    const fromAttacker = await auth.authenticate(
      storeUsers.carol.mail,
      storeUsers.carol.password,
      '192.0.2.7',
    );
    const fromElsewhere = await auth.authenticate(
      storeUsers.carol.mail,
      storeUsers.carol.password,
      '192.0.2.8',
    );
    expect(fromAttacker).toMatchObject({ ok: false, reason: 'throttled' });
    expect(reasonOf(fromElsewhere)).toBe('ok');
  });

  it('forgets failures that have left the window', async () => {
    for (let i = 0; i < 9; i++) {
      await auth.authenticate(storeUsers.carol.mail, `bad${i}`, `10.0.0.${i}`);
      clock.advance(61_000);
    }
    clock.advance(15 * 60_000);
    expect(
      reasonOf(await auth.authenticate(storeUsers.carol.mail, storeUsers.carol.password, '10.0.2.1')),
    ).toBe('ok');
  });

  it('answers repeated logins from the cache, and a changed password takes effect within the TTL', async () => {
    const { dave } = storeUsers;
    expect(reasonOf(await auth.authenticate(dave.mail, dave.password, '127.0.0.1'))).toBe('ok');
    for (let i = 0; i < 20; i++)
      expect(reasonOf(await auth.authenticate(dave.mail, dave.password, '127.0.0.1'))).toBe('ok');
    expect(source.binds).toBe(1);

    await admin.setPassword(dave.mail, 'dave-new-pw');
    try {
      // Within the TTL the old password still works on this node (documented staleness)...
      clock.advance(59_000);
      expect(reasonOf(await auth.authenticate(dave.mail, dave.password, '127.0.0.1'))).toBe('ok');
      // ...the new one works at once...
      expect(reasonOf(await auth.authenticate(dave.mail, 'dave-new-pw', '127.0.0.1'))).toBe('ok');
      // ...and once the new one has been seen, the old one no longer does.
      expect(reasonOf(await auth.authenticate(dave.mail, dave.password, '127.0.0.1'))).toBe(
        'invalid-credentials',
      );
    } finally {
      await admin.setPassword(dave.mail, dave.password);
    }
  });

  it('stops accepting an old password once the cache entry expires', async () => {
    const { carol } = storeUsers;
    expect(reasonOf(await auth.authenticate(carol.mail, carol.password, '127.0.0.1'))).toBe('ok');
    await admin.setPassword(carol.mail, 'carol-new-pw');
    try {
      clock.advance(60_000);
      expect(reasonOf(await auth.authenticate(carol.mail, carol.password, '127.0.0.1'))).toBe(
        'invalid-credentials',
      );
      expect(source.binds).toBe(2);
    } finally {
      await admin.setPassword(carol.mail, carol.password);
    }
  });

  it('says unavailable, not wrong password, when the directory cannot be asked', async () => {
    const broken: StoreUserSource = {
      findUserByAddress: () => Promise.reject(new Error('connect ECONNREFUSED')),
      verifyPassword: () => Promise.reject(new Error('connect ECONNREFUSED')),
      listLogicalStores: () => Promise.reject(new Error('connect ECONNREFUSED')),
      listDomains: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const down = new MailAuthenticator({
      users: new StoreUsers({ directory: broken, node: 'store01', clock }),
      clock,
    });
    const result = await down.authenticate(storeUsers.alice.mail, storeUsers.alice.password, '127.0.0.1');
    expect(result).toMatchObject({ ok: false, reason: 'unavailable' });
    // A directory outage is not the user's failure: it must not throttle them.
    for (let i = 0; i < 12; i++) await down.authenticate(storeUsers.alice.mail, 'x', '127.0.0.1');
    expect(
      reasonOf(await auth.authenticate(storeUsers.alice.mail, storeUsers.alice.password, '127.0.0.1')),
    ).toBe('ok');
  });
});
