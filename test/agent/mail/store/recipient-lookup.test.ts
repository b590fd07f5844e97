/** The LMTP recipient lookup against the real embedded directory. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBaseEntries, serverEntry } from '../../../../agent/common/directory/seed-entries.js';
import { createRecipientLookup } from '../../../../agent/mail/store/recipient-lookup.js';
import { StoreUsers } from '../../../../agent/mail/store/store-users.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { alphaDefaultQuota, storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const baseDn = 'dc=mailfleet,dc=test';
const tree = new FleetTree(baseDn);
let backend: TestDirectory;
let reader: LdapFleetDirectory;

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
    ...storeSeedEntries(tree),
  ]);
  reader = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn,
    bindDn: tree.server('store01'),
    bindPassword: 'store01-secret',
  });
});

afterAll(async () => {
  await reader?.close();
  await backend?.stop();
});

describe('createRecipientLookup', () => {
  it('finds local users by any of their addresses, with the effective quota', async () => {
    const clock = { now: () => 0 };
    const lookup = createRecipientLookup({
      users: new StoreUsers({ directory: reader, node: 'store01', clock }),
      clock,
    });
    expect(await lookup(storeUsers.alice.extra)).toEqual({
      user: storeUsers.alice.mail,
      quotaBytes: storeUsers.alice.quotaBytes,
      store: 'store01',
    });
    expect(await lookup('CAROL@alpha.example')).toEqual({
      user: storeUsers.carol.mail,
      quotaBytes: alphaDefaultQuota,
      store: 'store01',
    });
  });

  it("refuses unknown addresses, other stores' users and disabled mailboxes", async () => {
    const clock = { now: () => 0 };
    const lookup = createRecipientLookup({
      users: new StoreUsers({ directory: reader, node: 'store01', clock }),
      clock,
    });
    expect(await lookup('nobody@alpha.example')).toBeUndefined();
    expect(await lookup(storeUsers.bob.mail)).toBeUndefined();
    expect(await lookup(storeUsers.eve.mail)).toBeUndefined();
  });

  it('serves nothing on a node that serves no logical store (a spare before failover)', async () => {
    const clock = { now: () => 0 };
    const lookup = createRecipientLookup({
      users: new StoreUsers({ directory: reader, node: 'spare01', clock }),
      clock,
    });
    expect(await lookup(storeUsers.alice.mail)).toBeUndefined();
  });
});
