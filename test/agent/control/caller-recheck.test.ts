/**
 * Issue 10, finding 6: an SSH session must not keep the tier it had at login. Sessions are opened,
 * then a system admin lowers one admin's tier and removes another's key in the directory (LDAP, as
 * any directory tool would); the next call on the already-open connections must follow the
 * directory, and a session whose key is gone must close, even one that makes no call.
 */
import { Attribute, Change, Client } from 'ldapts';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';

const keys = {
  sys: newKeyPair('sys'),
  hd: newKeyPair('hd'),
  leaver: newKeyPair('leaver'),
  idle: newKeyPair('idle'),
};
const sysPassword = 'sys-directory-password';
let directory: AgentTestDirectory;
let agent: Agent;
let pinned: string[];
/** Added to the agent's clock: the keys it read count as older without waiting. */
let clockOffset = 0;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'store01', role: 'store' }],
    admins: [
      {
        uid: 'sys',
        displayName: 'System',
        tier: 'system',
        sshPublicKeys: [keys.sys.public],
        password: sysPassword,
      },
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [keys.hd.public] },
      { uid: 'leaver', displayName: 'Leaver', tier: 'system', sshPublicKeys: [keys.leaver.public] },
      { uid: 'idle', displayName: 'Idle', tier: 'system', sshPublicKeys: [keys.idle.public] },
    ],
  });
  agent = new Agent(
    parseAgentConfig(await directory.agentConfig('store01', { log: { level: 'warn' } })),
    productionDependencies({ clock: { now: () => Date.now() + clockOffset }, logSink: () => {} }),
  );
  await agent.start();
  pinned = (await directory.reader('store01').getServer('store01'))?.hostKeys ?? [];
});

afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
});

function connectAs(uid: keyof typeof keys): Promise<RpcConnection> {
  return connectRpc({
    host: '127.0.0.1',
    port: agent.endpoints().controlPort,
    username: uid,
    privateKey: keys[uid].private,
    pinnedHostKeys: pinned,
  });
}

/** Writes to the directory as the system admin would from any LDAP tool. */
async function asSystemAdmin(change: (client: Client, tree: FleetTree) => Promise<void>): Promise<void> {
  const client = new Client({ url: directory.url });
  const tree = new FleetTree(directory.baseDn);
  try {
    await client.bind(tree.admin('sys'), sysPassword);
    await change(client, tree);
  } finally {
    await client.unbind();
  }
}

test('a lowered tier applies to the next call of an open session, and a removed key closes the session', async () => {
  const hd = await connectAs('hd');
  const leaver = await connectAs('leaver');
  const idle = await connectAs('idle');
  expect((await hd.client.call('audit.tail', { limit: 1 })).entries).toBeInstanceOf(Array);
  expect((await leaver.client.call('service.list', {})).services.length).toBeGreaterThan(0);
  const idleClosed = new Promise<void>((resolve) => idle.once('close', resolve));
  const leaverClosed = new Promise<void>((resolve) => leaver.once('close', resolve));

  await asSystemAdmin(async (client, tree) => {
    await client.modify(
      tree.admin('hd'),
      new Change({
        operation: 'replace',
        modification: new Attribute({ type: 'mailfleetAdminTier', values: ['user'] }),
      }),
    );
    for (const uid of ['leaver', 'idle'] as const)
      await client.modify(
        tree.admin(uid),
        new Change({
          operation: 'delete',
          modification: new Attribute({ type: 'sshPublicKey', values: [keys[uid].public] }),
        }),
      );
  });
  // Past the keys' age limit (5 s), so the next call re-reads them.
  clockOffset += 6_000;

  const demoted = await hd.client.call('audit.tail', { limit: 1 }).catch((error: unknown) => error);
  expect(demoted).toBeInstanceOf(RpcCallError);
  expect((demoted as RpcCallError).codeName).toBe('forbidden');
  expect((demoted as RpcCallError).message).toMatch(/^tier user may not call audit\.tail/);

  // The re-read closed the sessions of removed keys, the one that never called included.
  await idleClosed;
  const removed = await leaver.client.call('service.list', {}).catch((error: unknown) => error);
  expect(removed).toBeInstanceOf(Error);
  await leaverClosed;
  // And the removed key cannot log in again.
  await expect(connectAs('leaver')).rejects.toThrow();
  hd.close();
});
