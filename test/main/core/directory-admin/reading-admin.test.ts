/**
 * The reading of a name (msDS-PhoneticDisplayName) on the embedded directory and on real slapd
 * with the shipped schema: a domain admin sets and removes it in its own domain (the access rules
 * that cover the rest of a user cover it), not in another; a new user gets it; the search finds
 * the user by it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DirectoryAdmin } from '../../../../main/core/directory-admin/directory-admin.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedNames } from '../../../support/directory-seed.js';
import { useAdminFixture } from './admin-fixture.js';
import { refused, succeeded } from './admin-results.js';

const { alice, bob } = seedNames;

describe.each(directoryBackends)('the reading of a name on $name', (backend) => {
  const fixture = useAdminFixture(backend);
  let alphaAdmin: DirectoryAdmin;
  let helpdesk: DirectoryAdmin;

  beforeAll(() => {
    ({ alphaAdmin, helpdesk } = fixture);
  });

  it('is set, found by kana and romaji, and removed by a domain admin in its own domain only', async () => {
    const page = succeeded(
      'updateUser',
      await alphaAdmin.updateUser({ address: alice, reading: 'スミス アリス' }),
    );
    expect(page.reading).toBe('スミス アリス');
    // Read back from the directory, not from the index.
    expect(succeeded('user', await helpdesk.user({ address: alice })).reading).toBe('スミス アリス');
    const byKana = succeeded('search', await alphaAdmin.search({ text: 'すみす' }));
    expect(byKana.users.map((u) => u.mail)).toEqual([alice]);
    const byRomaji = succeeded('search', await alphaAdmin.search({ text: 'Alice Smith' }));
    expect(byRomaji.users.map((u) => u.mail)).toContain(alice);
    expect(refused('updateUser', await alphaAdmin.updateUser({ address: bob, reading: 'ぼぶ' })).code).toBe(
      'not-found',
    );
    const removed = succeeded('updateUser', await alphaAdmin.updateUser({ address: alice, reading: null }));
    expect(removed.reading).toBeNull();
  });

  it('is given to a new user', async () => {
    const added = succeeded(
      'addUser',
      await fixture.helpdesk.addUser({
        address: 'yomi.test@beta.example',
        displayName: '読 試験',
        reading: 'よみ しけん',
        logicalStore: 'store01',
        password: 'Yomi-Shiken-2026',
      }),
    );
    expect(added.reading).toBe('よみ しけん');
    const found = succeeded('search', await fixture.helpdesk.search({ text: 'ヨミ' }));
    expect(found.users.map((u) => u.mail)).toEqual(['yomi.test@beta.example']);
  });
});
