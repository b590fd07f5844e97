/**
 * Issue 10, finding 8 (the control port): 350 connections from one address that never log in (300
 * send the SSH version line and stop, 50 send nothing) must not lock a console on another address
 * out. Before the fix, 256 such connections filled the agent's one global cap for 30 s.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';

const systemKey = newKeyPair('sys');
let directory: AgentTestDirectory;
let agent: Agent;
let pinned: string[];
const flood: Socket[] = [];

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'store01', role: 'store' }],
    admins: [{ uid: 'sys', displayName: 'System', tier: 'system', sshPublicKeys: [systemKey.public] }],
  });
  agent = new Agent(
    parseAgentConfig(await directory.agentConfig('store01', { log: { level: 'error' } })),
    productionDependencies({ logSink: () => {} }),
  );
  await agent.start();
  pinned = (await directory.reader('store01').getServer('store01'))?.hostKeys ?? [];
});

afterAll(async () => {
  for (const socket of flood) socket.destroy();
  await agent?.stop();
  await directory?.stop();
});

/** Opens a connection from `localAddress` that never authenticates; resolves once the agent has it or dropped it. */
function halfOpen(port: number, localAddress: string, sendVersion: boolean): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    socket.on('error', () => {});
    socket.once('close', () => resolve(socket));
    socket.once('connect', () => {
      if (sendVersion) socket.write('SSH-2.0-flood_1.0\r\n');
    });
    // The agent greets every connection it keeps with its own version line.
    socket.once('data', () => resolve(socket));
  });
}

test('a flood of unauthenticated connections from one address leaves consoles on another address served', {
  timeout: 120_000,
}, async () => {
  const port = agent.endpoints().controlPort;
  for (let i = 0; i < 350; i++) flood.push(await halfOpen(port, '127.0.0.2', i < 300));
  // A console on another address logs in and calls while the flood's connections are still open.
  const consoleLink = await connectRpc({
    host: '127.0.0.1',
    port,
    localAddress: '127.0.0.3',
    username: 'sys',
    privateKey: systemKey.private,
    pinnedHostKeys: pinned,
  });
  expect((await consoleLink.client.call('node.info', {})).name).toBe('store01');
  const metrics = await consoleLink.client.call('node.metrics', {});
  consoleLink.close();
  // Most of the flood was dropped at once; a few are held (at most 8 from one address), not 256,
  // and they were still open while the console worked.
  const held = flood.filter((socket) => !socket.closed);
  expect(held.length).toBeGreaterThan(0);
  expect(held.length).toBeLessThanOrEqual(8);
  // The refusals are counted (the sample is taken once a second: it may lag the flood a little).
  expect(metrics.counters).toHaveProperty('control_refused_connections_total');

  // Held half-open connections are dropped after the login grace time (10 s), not kept.
  await Promise.all(
    held.map(
      (socket) =>
        new Promise<void>((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve()))),
    ),
  );
});
