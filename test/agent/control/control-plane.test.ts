/**
 * The agent's SSH control plane against real clients: an ssh2 Client and the RpcClient/connectRpc
 * the console uses, with the real embedded directory holding the admins' and peers' keys.
 */
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { maxRpcLineBytes, rpcErrorCodes, rpcResponse } from '../../../agent/common/contract/json-rpc.js';
import { notifications } from '../../../agent/common/contract/methods.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { HostKeyMismatchError, RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { openRawRpcChannel } from '../../support/raw-rpc-channel.js';

const systemKey = newKeyPair('sys');
const helpdeskKey = newKeyPair('hd');
const peerKey = newKeyPair('store06');
const strangerKey = newKeyPair('stranger');

let directory: AgentTestDirectory;
let agent: Agent;
let port: number;
let pinned: string[];
const logLines: string[] = [];

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store05', role: 'store' },
      { name: 'store06', role: 'store', hostKeys: [peerKey.public] },
    ],
    admins: [
      { uid: 'sys', displayName: 'System Admin', tier: 'system', sshPublicKeys: [systemKey.public] },
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [helpdeskKey.public] },
    ],
  });
  agent = new Agent(
    parseAgentConfig(await directory.agentConfig('store05')),
    productionDependencies({ logSink: (line) => logLines.push(line) }),
  );
  await agent.start();
  port = agent.endpoints().controlPort;
  // Pin what the agent enrolled in the directory, as a console does.
  const entry = await directory.reader('store05').getServer('store05');
  pinned = entry?.hostKeys ?? [];
});

afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
});

function connectAs(uid: string, privateKey: string): Promise<RpcConnection> {
  return connectRpc({ host: '127.0.0.1', port, username: uid, privateKey, pinnedHostKeys: pinned });
}

/** Tries to log in with an ssh2 Client; resolves with the error (or undefined when it got in). */
function tryLogin(config: Partial<ssh2.ConnectConfig>): Promise<Error | undefined> {
  const client = new ssh2.Client();
  return new Promise((resolve) => {
    client.once('ready', () => {
      client.end();
      resolve(undefined);
    });
    client.once('error', (error) => resolve(error));
    client.connect({ host: '127.0.0.1', port, username: 'sys', ...config });
  });
}

describe('authentication', () => {
  test('the enrolled host key is pinned and a system admin gets in', async () => {
    expect(pinned).toHaveLength(1);
    const connection = await connectAs('sys', systemKey.private);
    const info = await connection.client.call('node.info', {});
    expect(info).toMatchObject({
      name: 'store05',
      role: 'store',
      directoryState: 'active',
      controlPort: port,
    });
    expect(info.hostKeyFingerprint).toBe(agent.endpoints().hostKeyFingerprint);
    expect(connection.hostKeyFingerprint).toBe(info.hostKeyFingerprint);
    connection.close();
  });

  test('an unknown key is refused', async () => {
    const error = await connectAs('sys', strangerKey.private).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toMatch(/authentication methods failed/i);
  });

  test('password and keyboard-interactive logins are refused', async () => {
    expect((await tryLogin({ password: 'sys-password' }))?.message).toMatch(/authentication methods failed/i);
    expect((await tryLogin({ tryKeyboard: true }))?.message).toMatch(/authentication methods failed/i);
  });

  test('a peer agent logs in with its host key as kind peer', async () => {
    const connection = await connectAs('store06', peerKey.private);
    expect((await connection.client.call('node.info', {})).name).toBe('store05');
    // Peers may not read the audit log: the error names the caller kind.
    const denied = await connection.client.call('audit.tail', { limit: 5 }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(RpcCallError);
    expect((denied as RpcCallError).codeName).toBe('forbidden');
    expect((denied as RpcCallError).message).toBe(
      'tier peer may not call audit.tail (allowed: system, helpdesk, domain)',
    );
    connection.close();
  });

  test('a shell or command cannot be opened, only the RPC subsystem', async () => {
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', resolve);
      client.once('error', reject);
      client.connect({ host: '127.0.0.1', port, username: 'sys', privateKey: systemKey.private });
    });
    const execError = await new Promise<Error | undefined>((resolve) =>
      client.exec('id', (error, stream) => {
        if (error) return resolve(error);
        stream.close();
        resolve(undefined);
      }),
    );
    expect(execError).toBeInstanceOf(Error);
    const subsystemError = await new Promise<Error | undefined>((resolve) =>
      client.subsys('sftp', (error) => resolve(error ?? undefined)),
    );
    expect(subsystemError).toBeInstanceOf(Error);
    client.end();
  });
});

describe('authorization and audit', () => {
  test('helpdesk may not restart a service; system may, and both calls are audited', async () => {
    const helpdesk = await connectAs('hd', helpdeskKey.private);
    const denied = await helpdesk.client
      .call('service.restart', { service: 'metrics-http' })
      .catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(RpcCallError);
    expect((denied as RpcCallError).code).toBe(rpcErrorCodes.forbidden);
    expect((denied as RpcCallError).message).toBe(
      'tier helpdesk may not call service.restart (allowed: system)',
    );

    const system = await connectAs('sys', systemKey.private);
    const restarted = await system.client.call('service.restart', { service: 'metrics-http' });
    expect(restarted.service).toMatchObject({ name: 'metrics-http', state: 'running' });
    expect(restarted.service.restarts).toBeGreaterThanOrEqual(1);

    const { entries } = await helpdesk.client.call('audit.tail', { limit: 1000 });
    const restarts = entries.filter((entry) => entry.method === 'service.restart');
    expect(restarts).toContainEqual(
      expect.objectContaining({
        node: 'store05',
        caller: { kind: 'helpdesk', id: 'hd' },
        outcome: 'denied',
        error: 'tier helpdesk may not call service.restart (allowed: system)',
      }),
    );
    expect(restarts).toContainEqual(
      expect.objectContaining({ caller: { kind: 'system', id: 'sys' }, outcome: 'ok' }),
    );
    for (const entry of restarts) expect(entry.paramsDigest).toMatch(/^[0-9a-f]{64}$/);
    // Calls that are not audited (node.info, audit.tail) leave no line.
    expect(entries.every((entry) => entry.method === 'service.restart')).toBe(true);
    helpdesk.close();
    system.close();
  });

  test('restarting control keeps the channel that asked, and new connections are accepted', async () => {
    const system = await connectAs('sys', systemKey.private);
    const restarted = await system.client.call('service.restart', { service: 'control' });
    expect(restarted.service).toMatchObject({ name: 'control', state: 'running' });
    expect((await system.client.call('node.info', {})).name).toBe('store05');
    const another = await connectAs('sys', systemKey.private);
    expect((await another.client.call('service.list', {})).services.map((s) => s.name)).toContain('control');
    another.close();
    system.close();
  });

  test('restarting a service the node does not run is notFound', async () => {
    const system = await connectAs('sys', systemKey.private);
    const error = await system.client.call('service.restart', { service: 'imap' }).catch((e: unknown) => e);
    expect((error as RpcCallError).codeName).toBe('notFound');
    system.close();
  });
});

describe('malformed JSON-RPC', () => {
  test('each bad line gets its error and the same connection keeps answering', async () => {
    const channel = await openRawRpcChannel({ port, username: 'sys', privateKey: systemKey.private });
    const ping = async (id: number) => {
      await channel.write(`${JSON.stringify({ jsonrpc: '2.0', id, method: 'node.info', params: {} })}\n`);
      const answer = await channel.nextMessage();
      expect(answer).toMatchObject({ id, result: { name: 'store05' } });
    };
    const expectError = async (code: number) => {
      const answer = rpcResponse.parse(await channel.nextMessage());
      expect('error' in answer && answer.error.code).toBe(code);
      return answer;
    };

    await channel.write('{"jsonrpc": "2.0", "id": 1, "method": \n');
    await expectError(rpcErrorCodes.parseError);
    await ping(2);

    await channel.write('{"jsonrpc":"2.0","id":3}\n[1,2,3]\n');
    expect((await expectError(rpcErrorCodes.invalidRequest)).id).toBe(3);
    await expectError(rpcErrorCodes.invalidRequest);
    await ping(4);

    await channel.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 5, method: 'mailbox.purgeEverything', params: {} })}\n`,
    );
    expect((await expectError(rpcErrorCodes.methodNotFound)).id).toBe(5);
    await ping(6);

    await channel.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'audit.tail', params: { limit: 'all' } })}\n`,
    );
    const invalid = await expectError(rpcErrorCodes.invalidParams);
    expect(invalid.id).toBe(7);
    expect('error' in invalid && invalid.error.message).toMatch(/limit/);
    expect('error' in invalid && invalid.error.message).toMatch(/expected number/i);
    await ping(8);

    // Streamed in 64 KiB pieces, past the limit, before its newline: the agent never holds it whole.
    const piece = Buffer.alloc(64 * 1024, 'a');
    await channel.write('{"jsonrpc":"2.0","id":9,"method":"node.info","params":{"pad":"');
    for (let sent = 0; sent <= maxRpcLineBytes + piece.length; sent += piece.length)
      await channel.write(piece);
    await channel.write('"}}\n');
    await expectError(rpcErrorCodes.lineTooLong);
    await ping(10);

    // A notification (no id) gets no answer, even when it fails: the next line is the ping's.
    await channel.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'no.such.method' })}\n`);
    await ping(11);
    channel.close();

    // And the agent still takes new connections.
    const fresh = await connectAs('sys', systemKey.private);
    expect((await fresh.client.call('node.info', {})).name).toBe('store05');
    fresh.close();
  });
});

describe('metrics over the control plane', () => {
  test('metrics.subscribe streams samples that match the contract until unsubscribed', async () => {
    const connection = await connectAs('hd', helpdeskKey.private);
    const samples: unknown[] = [];
    const two = new Promise<void>((resolve) => {
      connection.client.onNotification('metrics.sample', (params) => {
        samples.push(params);
        if (samples.length === 2) resolve();
      });
    });
    const { subscription } = await connection.client.call('metrics.subscribe', {});
    await two;
    for (const params of samples) {
      const parsed = notifications['metrics.sample'].parse(params);
      expect(parsed.subscription).toBe(subscription);
      expect(parsed.sample).toMatchObject({ node: 'store05', role: 'store' });
      expect(parsed.sample.services.map((s) => s.name)).toContain('control');
    }
    expect(await connection.client.call('metrics.unsubscribe', { subscription })).toEqual({ stopped: true });
    expect(await connection.client.call('metrics.unsubscribe', { subscription })).toEqual({ stopped: false });
    const latest = await connection.client.call('node.metrics', {});
    expect(latest.node).toBe('store05');
    connection.close();
  });
});

describe('logs', () => {
  test('are JSON lines that never carry key material', () => {
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).toMatchObject({ node: 'store05', level: expect.any(String), msg: expect.any(String) });
      expect(line).not.toContain('PRIVATE KEY');
      expect(line).not.toContain('store05-secret');
    }
  });
});
