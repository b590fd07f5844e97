/**
 * "Add node" from the console: `fleet.addNodeForm` offers the dialog to system admins only, and
 * the tier rule does not live in the page: the directory itself refuses a helpdesk admin's write
 * of a server entry, so `fleet.addNode` from a lower tier fails before anything is installed
 * (checked against the embedded directory's access rules, with real binds).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { nodeMembershipHandlers } from '../../../main/console/node-membership-handlers.js';
import { AgentTestDirectory } from '../../support/agent-test-directory.js';

let directory: AgentTestDirectory;
const clients: LdapFleetDirectory[] = [];

function boundAs(uid: string): LdapFleetDirectory {
  const client = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn: directory.baseDn,
    bindDn: new FleetTree(directory.baseDn).admin(uid),
    bindPassword: `${uid}-Password-1!`,
  });
  clients.push(client);
  return client;
}

function handlersFor(uid: string) {
  const client = boundAs(uid);
  return nodeMembershipHandlers(() => ({
    fleet: {
      refreshDirectory: async () => {},
      call: async () => {
        throw new Error('no node is asked in this test');
      },
    },
    directory: client,
    adminUid: uid,
    directoryUrl: directory.url,
    baseDn: directory.baseDn,
    packageFile: async () => '/nonexistent/mailfleet-agent.deb',
  }));
}

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'director01', role: 'director' }],
    admins: [
      { uid: 'sys', displayName: 'Sys', tier: 'system', password: 'sys-Password-1!' },
      { uid: 'help', displayName: 'Help', tier: 'helpdesk', password: 'help-Password-1!' },
    ],
  });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await directory?.stop();
});

test('the dialog is offered to system admins only', async () => {
  expect(await handlersFor('sys')['fleet.addNodeForm']()).toEqual({
    mayAddNodes: true,
    roles: ['store', 'spare'],
  });
  expect(await handlersFor('help')['fleet.addNodeForm']()).toEqual({
    mayAddNodes: false,
    roles: ['store', 'spare'],
  });
});

test("the directory refuses a helpdesk admin's server entry; a system admin's is written and can be removed", async () => {
  const help = boundAs('help');
  await expect(
    help.addServer(
      { name: 'store40', role: 'store', address: '127.0.0.1', controlPort: 40123, hostKeys: [] },
      'x-Password-1!',
    ),
  ).rejects.toThrow(/insufficient|not allowed|access/i);
  expect(await help.getServer('store40')).toBeUndefined();

  const sys = boundAs('sys');
  const added = await sys.addServer(
    { name: 'store40', role: 'store', address: '127.0.0.1', controlPort: 40123, hostKeys: [] },
    'store40-Password-1!',
  );
  expect(added).toMatchObject({ name: 'store40', role: 'store', controlPort: 40123 });
  await sys.addLogicalStore({ name: 'store40', servedBy: 'store40' });
  // The node binds with the password given, hashed by the server.
  const node = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn: directory.baseDn,
    bindDn: new FleetTree(directory.baseDn).server('store40'),
    bindPassword: 'store40-Password-1!',
  });
  clients.push(node);
  expect((await node.getLogicalStore('store40'))?.servedBy).toBe('store40');
  await sys.deleteLogicalStore('store40');
  await sys.deleteServer('store40');
  expect(await sys.getServer('store40')).toBeUndefined();
});
