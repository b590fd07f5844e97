/**
 * Issue 10, finding 1, on both directory servers: admin identity comes only from entries directly
 * under ou=admins. A domain admin (or the helpdesk) cannot make an entry below the mail domains an
 * admin (the directory refuses mailfleetAdmin attributes outside ou=admins), and an entry there
 * that holds them anyway (planted by the root DN, as data written before the fix would be) is
 * not an admin: it cannot raise another admin, cannot read other departments, and its SSH key
 * gets nobody into an agent.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Attribute, BerWriter, Change, Client, InsufficientAccessError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { passwordModifyOid } from '../../../agent/common/directory/ldap-session.js';
import { adminEntry, mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { newKeyPair } from '../../support/agent-test-directory.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
const alphaAdminKey = newKeyPair('alpha-admin');
const helpdeskKey = newKeyPair('helpdesk1');
/** The key the fake admins below ou=domains carry. */
const fakeAdminKey = newKeyPair('fake-admin');
/** A key a fake admin tries to give a real admin, with the system tier. */
const raisedKey = newKeyPair('raised');
/** A fake system admin below alpha.example, planted by the root DN with a password and a key. */
const planted = { dn: `uid=planted,${tree.domain('alpha.example')}`, password: 'planted-secret' };

/** The seed with SSH keys on the domain admin and the helpdesk, and the planted fake admin. */
function entries() {
  return seedEntries(2).map((entry) => {
    if (entry.dn === tree.admin(seedNames.admins.domainAdmin))
      return { dn: entry.dn, attributes: { ...entry.attributes, sshPublicKey: [alphaAdminKey.public] } };
    if (entry.dn === tree.admin(seedNames.admins.helpdesk))
      return { dn: entry.dn, attributes: { ...entry.attributes, sshPublicKey: [helpdeskKey.public] } };
    if (entry.dn === tree.server('store01')) {
      // The agent enrolls its own host key at start.
      const { sshPublicKey: _, ...attributes } = entry.attributes;
      return { dn: entry.dn, attributes };
    }
    return entry;
  });
}

/** What the attacker adds: an admin entry with tier system below a mail domain. */
function fakeAdminAttributes(uid: string) {
  return [
    new Attribute({
      type: 'objectClass',
      values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'ldapPublicKey', 'mailfleetAdmin'],
    }),
    new Attribute({ type: 'uid', values: [uid] }),
    new Attribute({ type: 'cn', values: [uid] }),
    new Attribute({ type: 'sn', values: [uid] }),
    new Attribute({ type: 'mailfleetAdminTier', values: ['system'] }),
    new Attribute({ type: 'sshPublicKey', values: [fakeAdminKey.public] }),
  ];
}

function replace(type: string, values: string[]): Change {
  return new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
}

function add(type: string, values: string[]): Change {
  return new Change({ operation: 'add', modification: new Attribute({ type, values }) });
}

/** Password Modify (RFC 3062) of `dn`, as the client's identity. */
async function setPassword(client: Client, dn: string, password: string): Promise<void> {
  const value = new BerWriter();
  value.startSequence();
  value.writeString(dn, 0x80);
  value.writeString(password, 0x82);
  value.endSequence();
  await client.exop(passwordModifyOid, value.buffer);
}

/** The rejection of a promise, or undefined when it resolved. */
function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe.each(directoryBackends)('admin identity on $name', (backend) => {
  let server: TestDirectory;
  let agent: Agent;
  let work: string;
  let clockOffset = 0;
  let pinnedHostKeys: string[] = [];
  const clients: Client[] = [];

  const bound = async (dn: string, password: string): Promise<Client> => {
    const client = new Client({ url: server.url });
    clients.push(client);
    await client.bind(dn, password);
    return client;
  };
  const reader = (dn: string, password: string) =>
    LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: dn,
      bindPassword: password,
    });
  const adminTier = async (uid: string) => {
    const system = reader(tree.admin(seedNames.admins.system), seedPasswords.system);
    try {
      return (await system.getAdmin(uid))?.tier;
    } finally {
      await system.close();
    }
  };
  /** Calls a system-only method on the agent with a key; resolves with the error, if any. */
  const callAsSystemOnly = async (uid: string, privateKey: string): Promise<unknown> => {
    // The agent re-reads the keys for an unknown key at most every 10 s by its clock: move it on.
    clockOffset += 11_000;
    const connection = await connectRpc({
      host: '127.0.0.1',
      port: agent.endpoints().controlPort,
      username: uid,
      privateKey,
      pinnedHostKeys,
    }).catch((error: unknown) => error as Error);
    if (connection instanceof Error) return connection;
    try {
      return await refusal(connection.client.call('replication.status', {}));
    } finally {
      connection.close();
    }
  };

  beforeAll(async () => {
    server = await backend.start(testBaseDn, entries());
    // The planted entry: what a domain admin could write before the fix, put in place by the root DN.
    const root = await bound(server.rootDn, server.rootPassword);
    await root.add(planted.dn, [...fakeAdminAttributes('planted')]);
    await setPassword(root, planted.dn, planted.password);
    work = await mkdtemp(join(tmpdir(), 'mailfleet-admin-identity-'));
    const bindPasswordFile = join(work, 'store01.bind-password');
    await writeFile(bindPasswordFile, seedPasswords.server('store01'), { mode: 0o600 });
    agent = new Agent(
      parseAgentConfig({
        node: 'store01',
        dataDir: join(work, 'store01'),
        directory: {
          url: server.url,
          baseDn: testBaseDn,
          bindDn: tree.server('store01'),
          bindPasswordFile,
        },
        control: { host: '127.0.0.1', port: 0 },
        log: { level: 'warn' },
      }),
      productionDependencies({ clock: { now: () => Date.now() + clockOffset }, logSink: () => {} }),
    );
    await agent.start();
    const store01 = reader(tree.server('store01'), seedPasswords.server('store01'));
    pinnedHostKeys = (await store01.getServer('store01'))?.hostKeys ?? [];
    await store01.close();
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) await client.unbind().catch(() => {});
    await agent?.stop();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('refuses a domain admin an admin entry below its own domain, and a user made into one', async () => {
    const alphaAdmin = await bound(tree.admin(seedNames.admins.domainAdmin), seedPasswords.domainAdmin);
    // The exploit of the issue, step one: uid=x below the admin's own domain with tier system.
    const fake = `uid=x,${tree.domain('alpha.example')}`;
    expect(await refusal(alphaAdmin.add(fake, fakeAdminAttributes('x')))).toBeInstanceOf(
      InsufficientAccessError,
    );
    // The same through a modify of a user it may write: the class and the tier are refused.
    const user = mailUserEntry(tree, { mail: 'y@alpha.example', displayName: 'Y', mailHost: 'store01' });
    await alphaAdmin.add(
      user.dn,
      Object.entries(user.attributes).map(([type, values]) => new Attribute({ type, values })),
    );
    expect(
      await refusal(
        alphaAdmin.modify(user.dn, [
          add('objectClass', ['mailfleetAdmin']),
          add('mailfleetAdminTier', ['system']),
        ]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    expect(
      await refusal(
        alphaAdmin.modify(user.dn, [
          add('objectClass', ['mailfleetAdmin']),
          add('mailfleetAdminTier', ['domain']),
          add('mailfleetAdminDomain', ['beta.example']),
        ]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    // The class alone cannot be added either: it must have a tier (objectClassViolation, 65).
    expect(await refusal(alphaAdmin.modify(user.dn, [add('objectClass', ['mailfleetAdmin'])]))).toMatchObject(
      {
        code: 65,
      },
    );
    // Had it worked, the next steps of the exploit: its password, a bind, another admin raised.
    const fakeExists = await alphaAdmin.search(fake, { scope: 'base' }).then(
      () => true,
      () => false,
    );
    expect(fakeExists).toBe(false);
    expect(await adminTier(seedNames.admins.viewer)).toBe('user');
  });

  it('refuses the helpdesk an admin entry below any domain', async () => {
    const helpdesk = await bound(tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk);
    const fake = `uid=hd-fake,${tree.domain('beta.example')}`;
    expect(await refusal(helpdesk.add(fake, fakeAdminAttributes('hd-fake')))).toBeInstanceOf(
      InsufficientAccessError,
    );
    expect(
      await refusal(
        helpdesk.modify(tree.user(seedNames.bob), [
          add('objectClass', ['mailfleetAdmin']),
          add('mailfleetAdminTier', ['system']),
        ]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    expect(await refusal(helpdesk.search(fake, { scope: 'base' }))).toBeDefined();
  });

  it('refuses the system admin an admin attribute outside ou=admins too', async () => {
    const system = await bound(tree.admin(seedNames.admins.system), seedPasswords.system);
    expect(
      await refusal(
        system.modify(tree.user(seedNames.bob), [
          add('objectClass', ['mailfleetAdmin']),
          add('mailfleetAdminTier', ['helpdesk']),
        ]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    // Admins themselves are still made and changed under ou=admins.
    const carl = adminEntry(tree, { uid: 'carl', displayName: 'Carl', tier: 'user' });
    await system.add(
      carl.dn,
      Object.entries(carl.attributes).map(([type, values]) => new Attribute({ type, values })),
    );
    await system.modify(carl.dn, [replace('mailfleetAdminTier', ['helpdesk'])]);
    expect(await adminTier('carl')).toBe('helpdesk');
  });

  it('does not honour a tier on an entry below the mail domains: it cannot raise an admin or read other departments', async () => {
    const fake = await bound(planted.dn, planted.password);
    // Raise another admin (the attacker raised one to system).
    expect(
      await refusal(
        fake.modify(tree.admin(seedNames.admins.viewer), [replace('mailfleetAdminTier', ['system'])]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    expect(
      await refusal(
        fake.modify(tree.admin(seedNames.admins.domainAdmin), [
          replace('mailfleetAdminTier', ['system']),
          add('sshPublicKey', [raisedKey.public]),
        ]),
      ),
    ).toBeInstanceOf(InsufficientAccessError);
    expect(await adminTier(seedNames.admins.viewer)).toBe('user');
    expect(await adminTier(seedNames.admins.domainAdmin)).toBe('domain');
    // Write another department's user.
    expect(
      await refusal(fake.modify(tree.user(seedNames.bob), [replace('mailfleetMailboxState', ['disabled'])])),
    ).toBeInstanceOf(InsufficientAccessError);
    // Read other departments and the admins: nothing of them is there for it.
    const { searchEntries } = await fake.search(tree.domains, { filter: '(mail=*)', attributes: ['mail'] });
    expect(new Set(searchEntries.map((e) => String(e.mail).split('@')[1]))).toEqual(
      new Set(['alpha.example']),
    );
    const admins = await fake.search(tree.admins, { scope: 'one', filter: '(objectClass=*)' });
    expect(admins.searchEntries).toEqual([]);
  });

  it("gives a fake admin's SSH key nothing on an agent, and no real admin a tier a fake one wrote", async () => {
    // The planted entry's own key is no admin key.
    const withFakeKey = await callAsSystemOnly('planted', fakeAdminKey.private);
    expect(withFakeKey).toBeInstanceOf(Error);
    expect((withFakeKey as Error).message).toMatch(/authentication methods failed/i);
    // The exploit's end: a fake system admin gives the domain admin a new key and the system tier.
    const fake = await bound(planted.dn, planted.password);
    await refusal(
      fake.modify(tree.admin(seedNames.admins.domainAdmin), [
        replace('mailfleetAdminTier', ['system']),
        add('sshPublicKey', [raisedKey.public]),
      ]),
    );
    const withRaisedKey = await callAsSystemOnly(seedNames.admins.domainAdmin, raisedKey.private);
    expect(withRaisedKey).toBeInstanceOf(Error);
    expect((withRaisedKey as Error).message).toMatch(/authentication methods failed/i);
    // The domain admin's own key keeps its own tier: replication.status is for system and helpdesk only.
    const withOwnKey = await callAsSystemOnly(seedNames.admins.domainAdmin, alphaAdminKey.private);
    expect(withOwnKey).toBeInstanceOf(RpcCallError);
    expect((withOwnKey as RpcCallError).message).toMatch(/tier domain may not call replication\.status/);
    // And the helpdesk's key, as a check that a tier allowed to call it gets past the check: to the
    // handler, which says this node (no mail services started here) has nothing to report.
    const helpdesk = await callAsSystemOnly(seedNames.admins.helpdesk, helpdeskKey.private);
    expect((helpdesk as RpcCallError).message).toMatch(/runs no mail serv/);
  });
});
