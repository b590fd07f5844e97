/**
 * Who may write a mail user's self-service settings (forwarding, vacation, spam handling), on both
 * directory servers (real slapd with the shipped rules, and the embedded one): the user on its own
 * entry and nothing else of it (not its mailHost, quota, addresses, name or another class); not
 * another user's; a department admin for its own domains only; helpdesk and system as for every
 * attribute below the domains.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import type { UserSelfService } from '../../../agent/common/directory/user-self-service.js';
import { directoryBackends } from '../../support/directory-backends.js';
import {
  bulkUserAddress,
  seedEntries,
  seedNames,
  seedPasswords,
  testBaseDn,
} from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const settings: UserSelfService = {
  forwardTo: ['alice.away@outside.example'],
  keepCopy: true,
  vacation: {
    active: true,
    subject: '不在のお知らせ / Away',
    body: '12月10日まで不在です。\nAway until 10 December.',
    startsAt: Date.parse('2026-12-07T00:00:00Z'),
    endsAt: Date.parse('2026-12-10T00:00:00Z'),
  },
  spam: { mode: 'reject', rejectScore: 12 },
};

describe.each(directoryBackends)('self-service rights on $name', (backend) => {
  let server: TestDirectory;
  const clients: LdapFleetDirectory[] = [];
  const bound = (bindDn: string, bindPassword: string) => {
    const client = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn,
      bindPassword,
    });
    clients.push(client);
    return client;
  };
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      () => 'written',
      (error: unknown) => (error instanceof DirectoryError ? error.code : String(error)),
    );
  /** One raw modify as alice: the code the server answers, or 'written'. */
  const aliceModifies = async (dn: string, changes: Change[]) => {
    const client = new Client({ url: server.url });
    try {
      await client.bind(tree.user(seedNames.alice), seedPasswords.alice);
      return await client.modify(dn, changes).then(
        () => 'written',
        (error: { code?: number }) => error.code,
      );
    } finally {
      await client.unbind();
    }
  };
  const replace = (type: string, values: string[]) =>
    new Change({ operation: 'replace', modification: new Attribute({ type, values }) });

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(1));
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  it('lets a user write its own settings, adding the class its entry lacked', async () => {
    const alice = bound(tree.user(seedNames.alice), seedPasswords.alice);
    const written = await alice.setUserSelfService(seedNames.alice, settings);
    expect(written.selfService).toEqual(settings);
    // Written again (the class is there now) and switched off: the values go, the rest stays.
    const off = await alice.setUserSelfService(seedNames.alice, { forwardTo: [], keepCopy: false });
    expect(off.selfService).toBeUndefined();
    expect(off.mailHost).toBe('store01');
  });

  it('refuses a user every other attribute of its own entry, and another class', async () => {
    const own = tree.user(seedNames.alice);
    expect(await aliceModifies(own, [replace('mailHost', ['store02'])])).toBe(50);
    expect(await aliceModifies(own, [replace('mailfleetQuota', ['99999999999'])])).toBe(50);
    expect(await aliceModifies(own, [replace('mailLocalAddress', ['ceo@alpha.example'])])).toBe(50);
    expect(await aliceModifies(own, [replace('displayName', ['The Dean'])])).toBe(50);
    // A permitted attribute beside a forbidden one: the whole modify is refused, nothing written.
    expect(
      await aliceModifies(own, [
        replace('mailfleetSpamHandling', ['mode=junk']),
        replace('mailHost', ['store02']),
      ]),
    ).toBe(50);
    const addClass = (name: string) =>
      new Change({ operation: 'add', modification: new Attribute({ type: 'objectClass', values: [name] }) });
    expect(await aliceModifies(own, [addClass('mailfleetAdmin')])).toBe(50);
    const system = bound(tree.admin(seedNames.admins.system), seedPasswords.system);
    const after = await system.findUserByAddress(seedNames.alice);
    expect(after?.mailHost).toBe('store01');
    expect(after?.selfService).toBeUndefined();
  });

  it("refuses a user another user's settings, in its domain or another", async () => {
    const forward = replace('mailfleetForward', ['thief@outside.example']);
    expect(await aliceModifies(tree.user(bulkUserAddress(0)), [forward])).toBe(50);
    // Another department's user does not exist for alice (slapd: not disclosed; embedded alike).
    expect([32, 50]).toContain(await aliceModifies(tree.user(seedNames.bob), [forward]));
  });

  it('lets a department admin write them for its domains only, and helpdesk for all', async () => {
    const domainAdmin = bound(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    expect(await outcome(domainAdmin.setUserSelfService(bulkUserAddress(0), settings))).toBe('written');
    const refused = await outcome(domainAdmin.setUserSelfService(seedNames.bob, settings));
    // It cannot even find bob: beta.example is not its domain.
    expect(refused).not.toBe('written');
    const helpdesk = bound(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    expect((await helpdesk.setUserSelfService(seedNames.bob, settings)).selfService).toEqual(settings);
    const viewer = bound(tree.admin(seedNames.admins.viewer), seedPasswords.viewer);
    expect(await outcome(viewer.setUserSelfService(seedNames.bob, { forwardTo: [], keepCopy: false }))).toBe(
      50,
    );
  });
});
