/**
 * `mailfleet-agent --config FILE` as a process: JSON logs, systemd notifications, SIGTERM -> clean
 * stop and exit 0, and exit 1 for a node the directory does not know.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { type AgentChild, spawnAgentChild } from '../../support/agent-child.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import { listenNotifySocket, type NotifySocketListener } from '../../support/notify-socket-listener.js';

const systemKey = newKeyPair('sys');
let directory: AgentTestDirectory;
let notifySocket: NotifySocketListener | undefined;
let compiled: CompiledAgent;
const children: AgentChild[] = [];

beforeAll(async () => {
  compiled = await compileAgent();
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'director01', role: 'director' }],
    admins: [{ uid: 'sys', displayName: 'Sys', tier: 'system', sshPublicKeys: [systemKey.public] }],
  });
});
afterAll(async () => {
  for (const child of children) child.kill();
  notifySocket?.close();
  await directory?.stop();
  await compiled?.remove();
});

async function spawnAgent(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<AgentChild> {
  const agent = await spawnAgentChild({
    bin: compiled.bin,
    config,
    configDir: directory.root,
    configFile: `agent-${children.length}.json`,
    env,
  });
  children.push(agent);
  return agent;
}

test('SIGTERM stops a running agent cleanly: exit 0, JSON logs, systemd told READY and STOPPING', async () => {
  notifySocket = await listenNotifySocket(join(directory.root, 'notify.sock'));
  const agent = await spawnAgent(await directory.agentConfig('director01'), {
    NOTIFY_SOCKET: notifySocket.path,
    WATCHDOG_USEC: '2000000',
  });
  await agent.waitForLog('started');
  await notifySocket.waitFor('READY=1');

  // It serves the control plane with the key it enrolled.
  const entry = await directory.reader('director01').getServer('director01');
  const connection = await connectRpc({
    host: '127.0.0.1',
    port: entry?.controlPort ?? 0,
    username: 'sys',
    privateKey: systemKey.private,
    pinnedHostKeys: entry?.hostKeys ?? [],
  });
  const info = await connection.client.call('node.info', {});
  expect(info).toMatchObject({ name: 'director01', role: 'director', pid: agent.child.pid });
  const closed = new Promise<void>((resolve) => connection.once('close', resolve));

  process.kill(agent.child.pid!, 'SIGTERM');
  expect(await agent.exited).toBe(0);
  await notifySocket.waitFor('STOPPING=1');
  // Stopping ends the console's session too.
  await closed;

  expect(agent.otherLines).toEqual([]);
  for (const line of agent.logs) {
    expect(line).toMatchObject({ node: 'director01', level: expect.any(String), module: expect.any(String) });
    expect(typeof line.time).toBe('string');
    expect(typeof line.msg).toBe('string');
  }
  const messages = agent.logs.map((line) => line.msg);
  expect(messages).toContain('signal received, stopping');
  expect(messages.at(-1)).toBe('stopped');
  const all = agent.logs.map((line) => JSON.stringify(line)).join('\n');
  expect(all).not.toContain('PRIVATE KEY');
  expect(all).not.toContain('director01-secret');
});

test('a node the directory does not know exits 1 with a clear message', async () => {
  const config = { ...(await directory.agentConfig('director01')), node: 'store42' };
  const agent = await spawnAgent(config);
  expect(await agent.exited).toBe(1);
  expect(agent.stderr.join('\n')).toMatch(/no server entry for store42/);
  expect(agent.logs.some((line) => line.level === 'error' && line.msg === 'agent could not start')).toBe(
    true,
  );
});

test('a configuration that is not valid exits 1 naming the bad field', async () => {
  const agent = await spawnAgent({ node: 'store05', dataDir: 'not/absolute' });
  expect(await agent.exited).toBe(1);
  expect(agent.stderr.join('\n')).toMatch(/dataDir/);
});
