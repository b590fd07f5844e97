/**
 * Who may write a domain's DKIM keys (`mailfleetDkimKey` on the domain entry), on both directory
 * servers (real slapd with the shipped rules, and the embedded one): the director's agent (it makes
 * the keys) and system admins; not a store, gateway or spare node, not a domain admin (it reads its
 * own domain's keys, and asks the director to rotate them), and the director nothing else of a
 * domain entry.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const value = (selector: string) =>
  `selector=${selector}; algorithm=ed25519-sha256; state=pending; created=2026-12-07T06:00:00Z; key=${'A'.repeat(43)}=`;

describe.each(directoryBackends)('DKIM key rights on $name', (backend) => {
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
  const asServer = (name: string) => bound(tree.server(name), seedPasswords.server(name));
  const refusedCode = (promise: Promise<unknown>) =>
    promise.then(
      () => 'written',
      (error: unknown) => (error instanceof DirectoryError ? error.code : String(error)),
    );

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0));
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  it('lets the director and a system admin write them, and no other node or admin', async () => {
    expect(
      await refusedCode(asServer('director01').setDomainDkimKeys('alpha.example', [value('mfdirector')])),
    ).toBe('written');
    for (const name of ['store01', 'spare01', 'gateway01'])
      expect(await refusedCode(asServer(name).setDomainDkimKeys('alpha.example', [value(`mf${name}`)]))).toBe(
        50,
      );
    const domainAdmin = bound(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    expect(await refusedCode(domainAdmin.setDomainDkimKeys('alpha.example', [value('mfadmin')]))).toBe(50);
    // It reads its own domain's keys.
    const own = (await domainAdmin.listDomains()).find((d) => d.name === 'alpha.example');
    expect(own?.dkimKeys).toEqual([value('mfdirector')]);
    const system = bound(tree.admin(seedNames.admins.system), seedPasswords.system);
    expect(await refusedCode(system.setDomainDkimKeys('beta.example', [value('mfsystem')]))).toBe('written');
    expect(
      (await asServer('gateway01').listDomains()).find((d) => d.name === 'beta.example')?.dkimKeys,
    ).toEqual([value('mfsystem')]);
  });

  it('does not let the director change anything else of a domain entry', async () => {
    const client = new Client({ url: server.url });
    try {
      await client.bind(tree.server('director01'), seedPasswords.server('director01'));
      const change = new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'mailfleetSpamPolicy', values: ['mode=off'] }),
      });
      const refused = await client.modify(tree.domain('alpha.example'), change).then(
        () => 'written',
        (error: { code?: number }) => error.code,
      );
      expect(refused).toBe(50);
    } finally {
      await client.unbind();
    }
  });
});
