/**
 * The real parts a mail protocol test needs, on free loopback ports and in temporary directories:
 * the embedded directory seeded with the store seed (store-seed.ts), a directory client bound as
 * store01, a MailAuthenticator for store01, a MaildirStorage, and a TLS certificate from a test CA.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../agent/common/clock.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBaseEntries, serverEntry } from '../../agent/common/directory/seed-entries.js';
import { MailAuthenticator } from '../../agent/mail/store/mail-authenticator.js';
import { MaildirStorage } from '../../agent/mail/store/maildir/maildir-storage.js';
import { StoreUsers } from '../../agent/mail/store/store-users.js';
import { startEmbeddedDirectory } from './embedded-directory.js';
import { storeSeedEntries } from './store-seed.js';
import { makeTestCertificates, type TestCertificates } from './test-certificates.js';
import type { TestDirectory } from './test-directory.js';

/** Everything a store protocol test runs against. */
export interface StoreTestFixture {
  directory: TestDirectory;
  reader: LdapFleetDirectory;
  users: StoreUsers;
  authenticator: MailAuthenticator;
  storage: MaildirStorage;
  mailRoot: string;
  certificates: TestCertificates;
  /** Appends a message to a user's INBOX (as a delivery would), CRLF line ends. */
  deliver(user: string, text: string): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the fixture; `clock` drives the authenticator's throttle and cache. */
export async function startStoreFixture(clock: Clock = { now: () => Date.now() }): Promise<StoreTestFixture> {
  const baseDn = 'dc=mailfleet,dc=test';
  const tree = new FleetTree(baseDn);
  const directory = await startEmbeddedDirectory(baseDn, [
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
  const reader = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn,
    bindDn: tree.server('store01'),
    bindPassword: 'store01-secret',
  });
  const users = new StoreUsers({ directory: reader, node: 'store01', clock });
  const authenticator = new MailAuthenticator({ users, clock });
  const mailRoot = await mkdtemp(join(tmpdir(), 'mailfleet-mail-'));
  const storage = new MaildirStorage({ root: mailRoot });
  const certificates = await makeTestCertificates('store01');
  return {
    directory,
    reader,
    users,
    authenticator,
    storage,
    mailRoot,
    certificates,
    async deliver(user, text) {
      const found = await users.find(user);
      const mailbox = await storage.mailbox(found?.user ?? user, found?.quotaBytes ?? 0);
      const crlf = Buffer.from(text.replace(/\r?\n/g, '\r\n'));
      return (await mailbox.append('INBOX', crlf)).uid;
    },
    async stop() {
      await storage.close();
      await reader.close();
      await directory.stop();
      await certificates.remove();
      await rm(mailRoot, { recursive: true, force: true });
    },
  };
}
