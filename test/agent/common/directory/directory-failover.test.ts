/**
 * The directory client over two real OpenLDAP providers in multi-provider replication (the
 * shipped multi-provider lines): kill -9 of the provider in use, reads and writes go on through
 * the other, the edits reach the first when it is back; the client returns to the preferred
 * provider only once it has caught up; a write whose answer is lost is reported in words and not
 * sent again (an idempotent one is); cached routes keep serving while no provider answers.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryOutcomeUnknown } from '../../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { passwordModifyOid, passwordModifyRequest } from '../../../../agent/common/directory/ldap-session.js';
import { replicatorDn } from '../../../../agent/directory/slapd/multi-provider.js';
import { RecipientRouter } from '../../../../agent/mail/director/inbound/recipient-router.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { pauseProcess, resumeProcess } from '../../../support/paused-process.js';
import { type SlapdPair, startSlapdPair } from '../../../support/slapd-pair.js';

const tree = new FleetTree(testBaseDn);
const systemAdmin = {
  baseDn: testBaseDn,
  bindDn: `uid=${seedNames.admins.system},ou=admins,${testBaseDn}`,
  bindPassword: seedPasswords.system,
};

/** Polls until `check` holds (replication is asynchronous); fails with `what` after 30 s. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`never happened: ${what}`);
}

/** Sets an entry's password on one provider as its root DN. */
async function setPasswordAsRoot(pair: SlapdPair, url: string, dn: string, password: string): Promise<void> {
  const client = new Client({ url, timeout: 10_000 });
  try {
    await client.bind(pair.rootDn, pair.rootPassword);
    await client.exop(passwordModifyOid, passwordModifyRequest(dn, password));
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

describe('LdapFleetDirectory over two slapd providers', () => {
  let pair: SlapdPair;

  beforeAll(async () => {
    pair = await startSlapdPair(testBaseDn, seedEntries(20), { debugLevel: 'stats,sync' });
  });

  afterAll(async () => {
    await pair?.stop();
  });

  it('reads and writes through the second provider while the first is killed; the first has every edit after its restart', async () => {
    const [first, second] = pair.providers;
    const directory = LdapFleetDirectory.withPassword({ ...systemAdmin, url: pair.urls });
    try {
      expect((await directory.listServers()).length).toBe(seedNames.servers.length);
      expect(directory.linkStatus()).toMatchObject({ urls: pair.urls, inUse: first.url, unanswered: [] });

      await first.kill();
      // Reads, then writes of every kind, while the preferred provider is gone.
      expect((await directory.findUserByAddress(seedNames.alice))?.mail).toBe(seedNames.alice);
      const status = directory.linkStatus();
      expect(status.inUse).toBe(second.url);
      expect(status.unanswered.map((u) => [u.url, u.state])).toEqual([[first.url, 'not-answering']]);
      await directory.addUser(
        { mail: 'carol@alpha.example', displayName: 'Carol', mailHost: 'store02' },
        'carol-secret',
      );
      await directory.modifyUser(seedNames.alice, { displayName: 'Alice Moved', quotaBytes: 3_000_000 });
      await directory.addAlias({ mail: 'help@alpha.example', forwardTo: ['carol@alpha.example'] });
      await directory.deleteUser(seedNames.bob);
      await directory.updateServer('store02', { state: 'maintenance' });
      expect(await directory.verifyPassword('carol@alpha.example', 'carol-secret')).toBe(true);
      expect(await directory.verifyPassword('carol@alpha.example', 'wrong')).toBe(false);

      await first.start();
      const carol = tree.user('carol@alpha.example');
      await eventually(
        'carol on the first provider',
        async () => !!(await pair.readAsRoot(first.url, carol)),
      );
      await eventually(
        'bob gone from the first provider',
        async () => (await pair.readAsRoot(first.url, tree.user(seedNames.bob))) === undefined,
      );
      await eventually(
        'the alias and the server state on the first provider',
        async () =>
          !!(await pair.readAsRoot(first.url, tree.alias('help@alpha.example'))) &&
          (await pair.readAsRoot(first.url, tree.server('store02')))?.mailfleetNodeState === 'maintenance',
      );
      const alice = await pair.readAsRoot(first.url, tree.user(seedNames.alice));
      expect(alice).toMatchObject({ displayName: 'Alice Moved', mailfleetQuota: '3000000' });
      // The password set through the second provider checks on the first alone.
      const onFirst = LdapFleetDirectory.withPassword({ ...systemAdmin, url: first.url });
      try {
        expect(await onFirst.verifyPassword('carol@alpha.example', 'carol-secret')).toBe(true);
      } finally {
        await onFirst.close();
      }
    } finally {
      await directory.close();
      await first.start().catch(() => undefined);
    }
  });

  it('returns to the preferred provider only once it holds every change of the one in use', async () => {
    const [first, second] = pair.providers;
    const directory = LdapFleetDirectory.withPassword(
      { ...systemAdmin, url: pair.urls },
      { returnAfterMs: 0 },
    );
    const replicator = replicatorDn(testBaseDn);
    try {
      await first.kill();
      await directory.addUser({ mail: 'dave@alpha.example', displayName: 'Dave', mailHost: 'store01' });
      expect(directory.linkStatus().inUse).toBe(second.url);
      // The first cannot catch up: the replication account's password changed on the second
      // while it was away, so its syncrepl cannot bind there.
      await setPasswordAsRoot(pair, second.url, replicator, 'changed-while-away');
      await first.start();
      await eventually('the client saw the first is behind', async () => {
        await directory.listDomains();
        return directory
          .linkStatus()
          .unanswered.some((u) => u.url === first.url && u.state === 'catching-up');
      });
      expect(directory.linkStatus().inUse).toBe(second.url);
      expect(await pair.readAsRoot(first.url, tree.user('dave@alpha.example'))).toBeUndefined();

      // Replication works again: the first catches up, and the client goes back to it.
      await setPasswordAsRoot(pair, second.url, replicator, pair.replicatorPassword);
      await eventually('the client is back on the first provider', async () => {
        await directory.listDomains();
        return directory.linkStatus().inUse === first.url;
      });
      expect(await pair.readAsRoot(first.url, tree.user('dave@alpha.example'))).toBeDefined();
      expect(directory.linkStatus().unanswered).toEqual([]);
      expect((await directory.findUserByAddress('dave@alpha.example'))?.mail).toBe('dave@alpha.example');
    } finally {
      // Replication works again whatever happened above, for the tests after this one.
      await setPasswordAsRoot(pair, second.url, replicator, pair.replicatorPassword).catch(() => undefined);
      await first.start();
      await directory.close();
    }
  });

  it('reports an add whose answer was lost and does not send it again; sends an idempotent change again', async () => {
    const [first, second] = pair.providers;
    const directory = LdapFleetDirectory.withPassword(
      { ...systemAdmin, url: pair.urls },
      { timeoutMs: 3_000, returnAfterMs: 3_600_000 },
    );
    const pid = first.pid as number;
    try {
      expect((await directory.listDomains()).length).toBe(2);
      expect(directory.linkStatus().inUse).toBe(first.url);
      // Stopped, not dead: the request is sent, no answer comes, the operation times out. Every
      // thread stopped before the add is sent: one still running could answer it.
      await pauseProcess(pid);
      const adding = directory.addUser({
        mail: 'erin@alpha.example',
        displayName: 'Erin',
        mailHost: 'store01',
      });
      await expect(adding).rejects.toBeInstanceOf(DirectoryOutcomeUnknown);
      await expect(adding).rejects.toThrow(
        /stopped answering during adding the user erin@alpha\.example: the change may or may not have been made/,
      );
      // Not sent to the second provider.
      expect(await pair.readAsRoot(second.url, tree.user('erin@alpha.example'))).toBeUndefined();

      // A replace modification is sent again on the second.
      await directory.modifyUser(seedNames.alice, { displayName: 'Alice Again' });
      expect(directory.linkStatus().inUse).toBe(second.url);
      expect((await pair.readAsRoot(second.url, tree.user(seedNames.alice)))?.displayName).toBe(
        'Alice Again',
      );
    } finally {
      resumeProcess(pid);
      await directory.close();
    }
    // The rule for the caller: read before trying again. Whatever the stopped provider did with
    // the add, both providers end up agreeing.
    await eventually('both providers agree on erin', async () => {
      const [a, b] = await Promise.all(
        pair.urls.map((url) => pair.readAsRoot(url, tree.user('erin@alpha.example'))),
      );
      return (a === undefined) === (b === undefined);
    });
  });

  it('keeps routing cached recipients while no provider answers', async () => {
    const directory = LdapFleetDirectory.withPassword({
      url: pair.urls,
      baseDn: testBaseDn,
      bindDn: tree.server('director01'),
      bindPassword: seedPasswords.server('director01'),
    });
    const router = new RecipientRouter({ directory, clock: { now: () => Date.now() } });
    try {
      const before = await router.expand('carol@alpha.example');
      expect(before).toEqual({ kind: 'targets', mailboxes: ['carol@alpha.example'], remote: [] });
      for (const provider of pair.providers) await provider.kill();
      expect(await router.expand('carol@alpha.example')).toEqual(before);
      // An address never looked up needs the directory: the lookup fails (the SMTP side answers 4xx).
      await expect(router.expand('nobody-yet@alpha.example')).rejects.toThrow(/no directory answers/);
      expect(directory.linkStatus().inUse).toBeUndefined();
    } finally {
      await directory.close();
      for (const provider of pair.providers) await provider.start();
    }
  });

  it('gives the replication account read access to everything and no write', async () => {
    const client = new Client({ url: pair.urls[0], timeout: 10_000 });
    try {
      await client.bind(replicatorDn(testBaseDn), pair.replicatorPassword);
      const { searchEntries } = await client.search(tree.user(seedNames.alice), {
        scope: 'base',
        attributes: ['userPassword', 'mail'],
      });
      // The other provider checks binds: the stored value must travel (the seed stores it as given).
      expect(String(searchEntries[0]?.userPassword)).toBe(seedPasswords.alice);
      const admins = await client.search(`ou=admins,${testBaseDn}`, { scope: 'one', attributes: ['uid'] });
      expect(admins.searchEntries.length).toBe(4);
      await expect(
        client.modify(
          tree.user(seedNames.alice),
          new Change({
            operation: 'replace',
            modification: new Attribute({ type: 'displayName', values: ['x'] }),
          }),
        ),
      ).rejects.toMatchObject({ code: 50 });
    } finally {
      await client.unbind().catch(() => undefined);
    }
  });

  it('never writes the replication password to slapd output', () => {
    expect(pair.output()).toMatch(/syncrepl|do_syncrep/);
    expect(pair.output()).not.toContain(pair.replicatorPassword);
  });
});
