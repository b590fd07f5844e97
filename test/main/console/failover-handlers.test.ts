/**
 * "Switch to spare" and "Make spare" from the console core (main/console/failover-handlers.ts),
 * against the embedded directory with real binds: another tier than system is refused
 * (`forbidden`) before any node is asked; a system admin's Make spare of a node that still
 * serves a store or holds a replica is refused in words before the node wipes anything, and the
 * plan names those stores for the page.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { logicalStoreEntry } from '../../../agent/common/directory/seed-entries.js';
import { failoverHandlers } from '../../../main/console/failover-handlers.js';
import { AgentTestDirectory } from '../../support/agent-test-directory.js';

let directory: AgentTestDirectory;
const clients: LdapFleetDirectory[] = [];
/** Every node call the handlers made (none may reach a node when the console core refuses). */
const nodeCalls: string[] = [];

function handlersFor(uid: string) {
  const client = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn: directory.baseDn,
    bindDn: new FleetTree(directory.baseDn).admin(uid),
    bindPassword: `${uid}-Password-1!`,
  });
  clients.push(client);
  return failoverHandlers(() => ({
    fleet: {
      call: async (node: string, method: string) => {
        nodeCalls.push(`${node} ${method}`);
        throw new Error('no node answers in this test');
      },
      snapshot: () => ({ nodes: [] }),
    } as never,
    directory: client,
    adminUid: uid,
  }));
}

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'store03', role: 'store' },
      { name: 'spare01', role: 'spare' },
    ],
    admins: [
      { uid: 'sys', displayName: 'Sys', tier: 'system', password: 'sys-Password-1!' },
      { uid: 'help', displayName: 'Help', tier: 'helpdesk', password: 'help-Password-1!' },
    ],
    extraEntries: (tree) => [
      logicalStoreEntry(tree, { name: 'store01', servedBy: 'store01', replicaNode: 'store02' }),
      logicalStoreEntry(tree, { name: 'store02', servedBy: 'store02', replicaNode: 'store01' }),
    ],
  });
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await directory?.stop();
});

test('a helpdesk admin may neither switch a store to a spare nor make a node the spare: no node is asked', async () => {
  const help = handlersFor('help');
  await expect(help['failover.switch']({ store: 'store01' })).rejects.toMatchObject({
    code: 'forbidden',
  });
  await expect(help['failover.makeSpare']({ node: 'store03' })).rejects.toMatchObject({
    code: 'forbidden',
  });
  expect(nodeCalls).toEqual([]);
});

test('the switch plan names the free spare and says a full copy goes there first', async () => {
  expect(await handlersFor('sys')['failover.switchPlan']({ store: 'store01' })).toEqual({
    possible: true,
    store: 'store01',
    servingNode: 'store01',
    spare: 'spare01',
    spareHoldsReplica: false,
  });
});

test("a system admin's Make spare of a node that serves a store is refused in words before it wipes", async () => {
  const sys = handlersFor('sys');
  expect(await sys['failover.makeSparePlan']({ node: 'store02' })).toEqual({
    possible: false,
    node: 'store02',
    refusal: 'store02 still serves store02: switch it to a spare or fail it over first',
    serves: ['store02'],
    holdsReplicaOf: ['store01'],
  });
  await expect(sys['failover.makeSpare']({ node: 'store02' })).rejects.toMatchObject({
    code: 'refused',
    message: 'store02 still serves store02: switch it to a spare or fail it over first',
  });
  expect(nodeCalls).toEqual([]);
  // A node that serves nothing and holds nothing may be made the spare: the plan says so.
  expect(await sys['failover.makeSparePlan']({ node: 'store03' })).toEqual({
    possible: true,
    node: 'store03',
  });
});
