import { describe, expect, test } from 'vitest';
import {
  type AdminEntry,
  FleetTree,
  type ServerEntry,
} from '../../../agent/common/directory/fleet-entries.js';
import { generateEd25519KeyPair } from '../../../agent/common/rpc/ssh-key-generation.js';
import { parseSshPublicKey } from '../../../agent/common/rpc/ssh-public-key.js';
import { CallerKeyCache, type CallerKeySource } from '../../../agent/control/caller-key-cache.js';
import { storeServerEntry } from '../../support/server-entry.js';

// A pure unit test of the cache's bookkeeping: an in-memory key source stands in for the
// directory (the integration tests use the real embedded directory).
function memorySource(admins: AdminEntry[], servers: ServerEntry[]) {
  let reads = 0;
  const source: CallerKeySource = {
    tree: new FleetTree('dc=x'),
    listAdmins: async () => {
      reads += 1;
      return admins;
    },
    listServers: async () => servers,
  };
  return { source, reads: () => reads };
}

function admin(uid: string, tier: AdminEntry['tier'], keys: string[]): AdminEntry {
  return { dn: `uid=${uid},ou=admins,dc=x`, uid, displayName: uid, tier, domains: [], sshPublicKeys: keys };
}

const key = () => generateEd25519KeyPair().public;

describe('CallerKeyCache', () => {
  test('maps admin keys to their tier and server host keys to peers, ignoring comments', async () => {
    const [a, b, c] = [key(), key(), key()];
    const { source } = memorySource(
      [admin('alice', 'system', [a]), admin('hd1', 'helpdesk', [`${b} laptop`])],
      [storeServerEntry('store05', [c])],
    );
    const cache = new CallerKeyCache(source);
    await cache.refresh();
    const bare = (line: string) => parseSshPublicKey(line.split(' ').slice(0, 2).join(' '))!;
    expect(await cache.identify(bare(a))).toEqual({ kind: 'system', id: 'alice' });
    expect(await cache.identify(bare(b))).toEqual({ kind: 'helpdesk', id: 'hd1' });
    expect(await cache.identify(bare(c))).toEqual({ kind: 'peer', id: 'store05' });
  });

  test('a key held by two entries resolves to the one named by the login name', async () => {
    const shared = key();
    const { source } = memorySource(
      [admin('alice', 'system', [shared]), admin('bob', 'helpdesk', [shared])],
      [],
    );
    const cache = new CallerKeyCache(source);
    await cache.refresh();
    expect(await cache.identify(parseSshPublicKey(shared)!, 'bob')).toEqual({ kind: 'helpdesk', id: 'bob' });
    expect(await cache.identify(parseSshPublicKey(shared)!, 'mallory')).toEqual({
      kind: 'system',
      id: 'alice',
    });
  });

  test('unknown keys refresh the cache at most once per gap', async () => {
    let now = 1_000_000;
    const admins: AdminEntry[] = [];
    const { source, reads } = memorySource(admins, []);
    const cache = new CallerKeyCache(source, { minRefreshGapMs: 10_000, now: () => now });
    await cache.refresh();
    expect(reads()).toBe(1);
    now += 20_000;
    // An attacker cycling keys: only the first unknown key in the gap reaches the directory.
    for (let i = 0; i < 20; i++) expect(await cache.identify(parseSshPublicKey(key())!)).toBeUndefined();
    expect(reads()).toBe(2);

    // A key added to the directory is found after the gap.
    const fresh = key();
    admins.push(admin('carol', 'domain', [fresh]));
    expect(await cache.identify(parseSshPublicKey(fresh)!)).toBeUndefined();
    now += 10_001;
    expect(await cache.identify(parseSshPublicKey(fresh)!)).toEqual({ kind: 'domain', id: 'carol' });
    expect(reads()).toBe(3);
  });

  test('maps a key to an admin tier only from an entry directly under ou=admins (issue 10)', async () => {
    const [real, belowDomain, fakeAdmins, otherBase] = [key(), key(), key(), key()];
    const lookAlike = (dn: string, line: string): AdminEntry => ({ ...admin('x', 'system', [line]), dn });
    const { source } = memorySource(
      [
        { ...admin('real', 'system', [real]), dn: 'UID=real, OU=Admins, DC=X' },
        // What a domain admin could make below its own domain, and an ou=admins of its own there.
        lookAlike('uid=x,cn=alpha.example,ou=domains,dc=x', belowDomain),
        lookAlike('uid=x,ou=admins,cn=alpha.example,ou=domains,dc=x', fakeAdmins),
        lookAlike('uid=x,ou=admins,dc=y', otherBase),
      ],
      [],
    );
    const cache = new CallerKeyCache(source);
    await cache.refresh();
    expect(await cache.identify(parseSshPublicKey(real)!)).toEqual({ kind: 'system', id: 'real' });
    for (const line of [belowDomain, fakeAdmins, otherBase])
      expect(await cache.identify(parseSshPublicKey(line)!)).toBeUndefined();
  });

  test('maps a host key to a peer only from an entry directly under ou=servers', async () => {
    const [real, belowDomain, fakeServers] = [key(), key(), key()];
    const { source } = memorySource(
      [],
      [
        { ...storeServerEntry('store05', [real]), dn: 'CN=store05, OU=Servers, DC=X' },
        // Look-alikes named like real nodes: a gateway (which gets the SRS secrets) and a store.
        {
          ...storeServerEntry('gateway01', [belowDomain]),
          dn: 'cn=gateway01,cn=alpha.example,ou=domains,dc=x',
        },
        {
          ...storeServerEntry('store01', [fakeServers]),
          dn: 'cn=store01,ou=servers,cn=alpha.example,ou=domains,dc=x',
        },
      ],
    );
    const cache = new CallerKeyCache(source);
    await cache.refresh();
    expect(await cache.identify(parseSshPublicKey(real)!)).toEqual({ kind: 'peer', id: 'store05' });
    for (const line of [belowDomain, fakeServers])
      expect(await cache.identify(parseSshPublicKey(line)!)).toBeUndefined();
  });
});
