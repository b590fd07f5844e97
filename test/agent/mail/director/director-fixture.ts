/**
 * Real parts for director tests: the embedded directory with the store seed plus an alias and a
 * group, two stores (MaildirStorage + LmtpServer with the store's own directory-backed recipient
 * lookup) whose `lmtp` endpoints are published in their server entries, and a director (router,
 * durable queue, LMTP transport, SMTP server) on free loopback ports.
 */
import { rm } from 'node:fs/promises';
import type { Clock } from '../../../../agent/common/clock.js';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  directoryBaseEntries,
  mailAliasEntry,
  mailGroupEntry,
  serverEntry,
} from '../../../../agent/common/directory/seed-entries.js';
import { DeliveryRules } from '../../../../agent/mail/director/delivery-rules/delivery-rules.js';
import { VacationRecord } from '../../../../agent/mail/director/delivery-rules/vacation-record.js';
import { DirectorAuthenticator } from '../../../../agent/mail/director/director-authenticator.js';
import {
  DirectorSmtpServer,
  type DirectorSmtpServerOptions,
} from '../../../../agent/mail/director/inbound/director-smtp-server.js';
import { RecipientRouter } from '../../../../agent/mail/director/inbound/recipient-router.js';
import { LmtpTransport } from '../../../../agent/mail/director/outbound/lmtp-transport.js';
import { MxResolver } from '../../../../agent/mail/director/outbound/mx-resolver.js';
import { MxTransport } from '../../../../agent/mail/director/outbound/mx-transport.js';
import { MailQueue, type MailQueueOptions } from '../../../../agent/mail/director/queue/mail-queue.js';
import { LmtpServer } from '../../../../agent/mail/store/lmtp/lmtp-server.js';
import type { MailRecipientLookup } from '../../../../agent/mail/store/mail-login.js';
import { MaildirStorage } from '../../../../agent/mail/store/maildir/maildir-storage.js';
import { createRecipientLookup } from '../../../../agent/mail/store/recipient-lookup.js';
import { StoreUsers } from '../../../../agent/mail/store/store-users.js';
import type { SimulatedZone } from '../../../../main/lab/simulated-internet/dns-responder.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { makeTempDir, removeTempDir } from '../store/maildir/maildir-test-support.js';

/** A store of the fixture. */
export interface FixtureStore {
  node: string;
  storage: MaildirStorage;
  lmtp: LmtpServer;
  root: string;
}

/** Everything a director test runs against. */
export interface DirectorFixture {
  directory: TestDirectory;
  /** Bound as root: reads for the director and the stores, writes for the tests. */
  ldap: LdapFleetDirectory;
  stores: Record<'store01' | 'store02', FixtureStore>;
  router: RecipientRouter;
  queue: MailQueue;
  smtp: DirectorSmtpServer;
  queueRoot: string;
  /** Texts of the messages in a user's INBOX on one store. */
  inbox(store: 'store01' | 'store02', user: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Alias of the seed: alice (store01) and bob (store02). */
export const teamAlias = 'team@alpha.example';
/** Group of the seed: dave (store01) and bob (store02). */
export const staffGroup = 'staff@beta.example';

/**
 * The simulated internet's zone of the outbound tests: outside.example and slow.example (a domain
 * whose MX defers, by the receiving host's rules) both have mx.outside.example on loopback as MX.
 */
export const outsideZone: SimulatedZone = {
  'outside.example': { mx: [{ preference: 10, exchange: 'mx.outside.example' }] },
  'slow.example': { mx: [{ preference: 10, exchange: 'mx.outside.example' }] },
  'mx.outside.example': { a: ['127.0.0.1'] },
};

/** Outbound delivery by MX for a fixture: DNS servers (the simulated internet's) and the MX port. */
export interface FixtureOutbound {
  dnsServers: string[];
  port: number;
  notices?: MailQueueOptions['notices'];
}

/**
 * Starts the fixture; with `outbound`, remote recipients go out by MX; with `vacationRoot`, the
 * users' self-service delivery rules run (forwarding, vacation replies recorded there, spam limits).
 */
export async function startDirectorFixture(
  smtpOptions: Partial<DirectorSmtpServerOptions> = {},
  clock: Clock = { now: () => Date.now() },
  outbound?: FixtureOutbound,
  vacationRoot?: string,
): Promise<DirectorFixture> {
  const baseDn = 'dc=mailfleet,dc=test';
  const tree = new FleetTree(baseDn);
  let lookups: Record<string, MailRecipientLookup> = {};
  const stores = {} as Record<'store01' | 'store02', FixtureStore>;
  for (const node of ['store01', 'store02'] as const) {
    const root = await makeTempDir(`director-${node}-`);
    const storage = new MaildirStorage({ root, hostName: node });
    const lmtp = new LmtpServer({
      host: '127.0.0.1',
      port: 0,
      storage,
      serverName: `${node}.test`,
      maxMessageBytes: 10_000_000,
      // Bound once the directory runs (the directory needs the LMTP ports first).
      recipientLookup: (address) => (lookups[node] as MailRecipientLookup)(address),
    });
    await lmtp.start();
    stores[node] = { node, storage, lmtp, root };
  }
  const { alice, bob, dave } = storeUsers;
  const directory = await startEmbeddedDirectory(baseDn, [
    ...directoryBaseEntries(tree),
    ...(['store01', 'store02'] as const).map((name) =>
      serverEntry(tree, {
        name,
        role: 'store',
        address: '127.0.0.1',
        controlPort: 1,
        endpoints: { lmtp: `127.0.0.1:${stores[name].lmtp.port}` },
        password: `${name}-secret`,
      }),
    ),
    ...storeSeedEntries(tree),
    mailAliasEntry(tree, { mail: teamAlias, forwardTo: [alice.mail, bob.mail] }),
    mailGroupEntry(tree, {
      name: 'staff',
      domain: 'beta.example',
      mail: staffGroup,
      memberDns: [tree.user(dave.mail), tree.user(bob.mail)],
    }),
  ]);
  const ldap = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn,
    bindDn: directory.rootDn,
    bindPassword: directory.rootPassword,
  });
  lookups = Object.fromEntries(
    (['store01', 'store02'] as const).map((node) => [
      node,
      createRecipientLookup({
        users: new StoreUsers({ directory: ldap, node, clock, refreshMs: 0 }),
        clock,
        ttlMs: 0,
      }),
    ]),
  );
  const router = new RecipientRouter({ directory: ldap, clock, outboundPort: outbound?.port });
  const resolver = new MxResolver({ servers: outbound?.dnsServers, timeoutMs: 2_000 });
  const mx = new MxTransport({
    clientName: 'director01.test',
    resolve: (domain) => resolver.route(domain),
    connectTimeoutMs: 5_000,
  });
  const queueRoot = await makeTempDir('director-queue-');
  const queue = new MailQueue({
    root: queueRoot,
    clock,
    route: (address) => router.route(address),
    transports: {
      lmtp: new LmtpTransport({ clientName: 'director01.test' }),
      ...(outbound ? { smtp: mx } : {}),
    },
    backoff: { firstMs: 1_000, maxMs: 5_000 },
    notices: { reportingMta: 'director01.test', ...outbound?.notices },
  });
  await queue.start();
  const logins = new DirectorAuthenticator({ directory: ldap, clock });
  const smtp = new DirectorSmtpServer({
    host: '127.0.0.1',
    port: 0,
    serverName: 'director01.test',
    maxMessageBytes: 100_000,
    trustedNetworks: [],
    routing: router,
    queue,
    authenticate: (login, password, clientAddress) => logins.authenticate(login, password, clientAddress),
    allowInsecureAuth: true,
    outboundEnabled: outbound !== undefined,
    ...(vacationRoot
      ? {
          rules: new DeliveryRules({
            findUser: (address) => router.findUser(address),
            vacations: new VacationRecord(vacationRoot),
            clock,
            host: 'director01.test',
          }),
        }
      : {}),
    ...smtpOptions,
  });
  await smtp.start();
  return {
    directory,
    ldap,
    stores,
    router,
    queue,
    smtp,
    queueRoot,
    async inbox(store, user) {
      const view = await (await stores[store].storage.mailbox(user, 0)).openFolder('INBOX');
      const texts = await Promise.all(
        view.messages().map(async (m) => (await view.read(m.uid)).toString('utf8')),
      );
      view.close();
      return texts;
    },
    async stop() {
      await smtp.stop();
      await queue.stop();
      for (const store of Object.values(stores)) {
        await store.lmtp.stop();
        await store.storage.close();
        await removeTempDir(store.root);
      }
      await ldap.close();
      await directory.stop();
      await rm(queueRoot, { recursive: true, force: true });
    },
  };
}
