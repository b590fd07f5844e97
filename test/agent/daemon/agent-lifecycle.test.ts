/**
 * Agent objects against the real embedded directory: start order, enrollment, refusal to start
 * without a server entry, several agents in one process, and the `directory` role.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { adminEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { importDirectoryEntries } from '../../../agent/directory/embedded/import-entries.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { directoryNodeEntries } from '../../support/directory-role-agent.js';

const systemKey = newKeyPair('sys');
const foreignKey = newKeyPair('someone-else');
let directory: AgentTestDirectory;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store05', role: 'store' },
      { name: 'store06', role: 'store' },
      { name: 'spare01', role: 'spare', state: 'spare', hostKeys: [foreignKey.public] },
    ],
    admins: [{ uid: 'sys', displayName: 'System Admin', tier: 'system', sshPublicKeys: [systemKey.public] }],
  });
});
afterAll(async () => {
  await directory?.stop();
});

function newAgent(config: unknown, logLines: string[] = []): Agent {
  return new Agent(
    parseAgentConfig(config),
    productionDependencies({ logSink: (line) => logLines.push(line) }),
  );
}

describe('Agent', () => {
  test('two agents run side by side in one process, each enrolled with its own key', async () => {
    const agents = [
      newAgent(await directory.agentConfig('store05')),
      newAgent(await directory.agentConfig('store06')),
    ];
    await Promise.all(agents.map((agent) => agent.start()));
    try {
      const reader = directory.reader('store05');
      for (const agent of agents) {
        const entry = await reader.getServer(agent.node);
        const endpoints = agent.endpoints();
        expect(entry).toMatchObject({ address: '127.0.0.1', controlPort: endpoints.controlPort });
        expect(entry?.hostKeys).toEqual([endpoints.hostKey]);
        expect(entry?.endpoints).toMatchObject({
          control: `127.0.0.1:${endpoints.controlPort}`,
          metrics: `127.0.0.1:${endpoints.metricsPort}`,
        });
        const connection = await connectRpc({
          host: '127.0.0.1',
          port: endpoints.controlPort,
          username: 'sys',
          privateKey: systemKey.private,
          pinnedHostKeys: entry?.hostKeys ?? [],
        });
        expect((await connection.client.call('node.info', {})).name).toBe(agent.node);
        connection.close();
      }
      await reader.close();
      expect(agents[0]?.endpoints().hostKey).not.toBe(agents[1]?.endpoints().hostKey);
    } finally {
      await Promise.all(agents.map((agent) => agent.stop()));
    }
  });

  test('a node without a server entry refuses to start, naming the entry it expected', async () => {
    // Bound as store05 (valid credentials) but calling itself store99, which the directory does not know.
    const config = { ...(await directory.agentConfig('store05')), node: 'store99' };
    const logLines: string[] = [];
    const agent = newAgent(config, logLines);
    await expect(agent.start()).rejects.toThrow(
      /no server entry for store99.*cn=store99,ou=servers,dc=mailfleet,dc=lab/,
    );
    expect(logLines.some((line) => JSON.parse(line).level === 'error')).toBe(true);
    await agent.stop();
  });

  test('a node that cannot bind to the directory refuses to start', async () => {
    const config = await directory.agentConfig('store99');
    await expect(newAgent(config).start()).rejects.toThrow(
      /cannot read the server entry of store99 from ldap:/,
    );
  });

  test("a pinned key that is not the node's own is kept, and the agent says consoles will refuse it", async () => {
    const logLines: string[] = [];
    const agent = newAgent(await directory.agentConfig('spare01'), logLines);
    await agent.start();
    try {
      const entry = await directory.reader('store05').getServer('spare01');
      expect(entry?.hostKeys).toEqual([foreignKey.public]);
      const errors = logLines.map((line) => JSON.parse(line)).filter((line) => line.level === 'error');
      expect(errors.some((line) => /consoles and peers will refuse/.test(line.msg))).toBe(true);
      // The rest of the enrollment still happened.
      expect(entry?.controlPort).toBe(agent.endpoints().controlPort);
    } finally {
      await agent.stop();
    }
  });

  test('an aborted start stops before the first module and leaves nothing running', async () => {
    const agent = newAgent(await directory.agentConfig('store05'));
    await expect(agent.start(AbortSignal.abort(new Error('shutting down')))).rejects.toThrow('shutting down');
    expect(agent.services.list()).toEqual([]);
  });
});

describe('the directory role', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailfleet-directory-role-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('starts the embedded LDAP server first, then connects to it like every node', async () => {
    const baseDn = 'dc=mailfleet,dc=lab';
    const tree = new FleetTree(baseDn);
    const ldapDataDir = join(root, 'ldap');
    await importDirectoryEntries(ldapDataDir, baseDn, [
      ...directoryNodeEntries(tree),
      adminEntry(tree, { uid: 'sys', displayName: 'Sys', tier: 'system', sshPublicKeys: [systemKey.public] }),
    ]);
    const ldapPort = await freePort();
    const base = await directory.agentConfig('directory01');
    const agent = newAgent({
      ...base,
      dataDir: join(root, 'node'),
      directory: {
        ...base.directory,
        url: `ldap://127.0.0.1:${ldapPort}`,
        bindDn: tree.server('directory01'),
      },
      embeddedDirectory: { host: '127.0.0.1', port: ldapPort, dataDir: ldapDataDir, baseDn },
    });
    // agentConfig wrote the default password (directory01-secret) to the bind password file.
    await agent.start();
    try {
      const services = agent.services.list();
      expect(services.map((s) => s.name)).toEqual(['directory', 'metrics-http', 'control']);
      expect(services[0]).toMatchObject({
        state: 'running',
        detail: `listening on ldap://127.0.0.1:${ldapPort}`,
      });
      expect(agent.serverEntry()?.role).toBe('directory');
    } finally {
      await agent.stop();
    }
    expect(agent.services.list()).toEqual([]);
  });
});

/** A loopback port that was free a moment ago (the embedded LDAP port must be known before start). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
