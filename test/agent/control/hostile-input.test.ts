/**
 * Hostile input against the real `mailfleet-agent` process over real SSH (issue 10, finding 2):
 * params nested 200,000 levels deep from a `user`-tier admin and from a peer's host key, a stray
 * rejection and exception inside the process, and 10,000 random and malformed JSON-RPC lines. The
 * agent must answer each with a well-formed JSON-RPC error (or nothing, for a notification) and keep
 * serving; before the fix, the first line killed the process.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { rpcErrorCodes, rpcResponse } from '../../../agent/common/contract/json-rpc.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { type AgentChild, spawnAgentChild } from '../../support/agent-child.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import { openRawRpcChannel } from '../../support/raw-rpc-channel.js';
import { type FuzzExpectation, RpcFuzzLines } from '../../support/rpc-fuzz-lines.js';

const keys = { sys: newKeyPair('sys'), viewer: newKeyPair('viewer'), peer: newKeyPair('gateway01') };
let directory: AgentTestDirectory;
let compiled: CompiledAgent;
const agents: AgentChild[] = [];

beforeAll(async () => {
  compiled = await compileAgent();
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      // Never started: its host key is the "any node's host key" of the finding.
      { name: 'gateway01', role: 'gateway', hostKeys: [keys.peer.public] },
    ],
    admins: [
      { uid: 'sys', displayName: 'System', tier: 'system', sshPublicKeys: [keys.sys.public] },
      { uid: 'viewer', displayName: 'Viewer', tier: 'user', sshPublicKeys: [keys.viewer.public] },
    ],
  });
});

afterAll(async () => {
  for (const agent of agents) agent.kill();
  await directory?.stop();
  await compiled?.remove();
});

/** Starts the agent of `node` as a process; resolves once it serves, with its control port and pinned key. */
async function startAgent(node: string, nodeArgs: string[] = []) {
  const agent = await spawnAgentChild({
    bin: compiled.bin,
    config: await directory.agentConfig(node, { log: { level: 'info' } }),
    configDir: directory.root,
    configFile: `${node}.json`,
    nodeArgs,
  });
  agents.push(agent);
  await agent.waitForLog('started');
  const entry = await directory.reader(node).getServer(node);
  if (!entry) throw new Error(`no server entry for ${node}`);
  return { agent, port: entry.controlPort, pinned: entry.hostKeys };
}

/** A normal call on a new connection, as a console would make it. */
async function nodeInfo(port: number, pinned: string[]) {
  const connection = await connectRpc({
    host: '127.0.0.1',
    port,
    username: 'sys',
    privateKey: keys.sys.private,
    pinnedHostKeys: pinned,
  });
  try {
    const info = await connection.client.call('node.info', {});
    const metrics = await connection.client.call('node.metrics', {});
    return { info, counters: metrics.counters };
  } finally {
    connection.close();
  }
}

/** A well-formed JSON-RPC 2.0 error (not a result), as the contract's response schema reads it. */
function expectRpcError(message: Record<string, unknown>, context: string) {
  expect(rpcResponse.safeParse(message).success, context).toBe(true);
  expect(message.jsonrpc, context).toBe('2.0');
  expect('result' in message, context).toBe(false);
  const error = message.error as { code: unknown; message: unknown };
  expect(Number.isInteger(error?.code), context).toBe(true);
  expect(typeof error?.message === 'string' && error.message.length > 0, context).toBe(true);
  return error as { code: number; message: string };
}

const deepParams = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('the agent process under hostile input', () => {
  let store01: Awaited<ReturnType<typeof startAgent>>;
  beforeAll(async () => {
    store01 = await startAgent('store01');
  });

  test('params nested 200,000 deep from a user-tier admin or a peer key get an error, and the agent keeps serving', async () => {
    for (const [username, privateKey] of [
      ['viewer', keys.viewer.private],
      ['gateway01', keys.peer.private],
    ] as const) {
      const channel = await openRawRpcChannel({ port: store01.port, username, privateKey });
      // service.restart is audited: on main the denied call's params digest recursed and overflowed.
      await channel.write(
        `{"jsonrpc":"2.0","id":1,"method":"service.restart","params":${deepParams(200_000)}}\n`,
      );
      const error = expectRpcError(await channel.nextMessage(), username);
      expect(error.code).toBe(rpcErrorCodes.parseError);
      expect(error.message).toMatch(/nested deeper than 32 levels/);
      // The same channel goes on answering.
      await channel.write('{"jsonrpc":"2.0","id":2,"method":"audit.tail","params":{}}\n');
      expect(expectRpcError(await channel.nextMessage(), username).code).toBe(rpcErrorCodes.forbidden);
      channel.close();
    }
    expect(store01.agent.child.exitCode).toBeNull();
    const { info, counters } = await nodeInfo(store01.port, store01.pinned);
    expect(info).toMatchObject({ name: 'store01', pid: store01.agent.child.pid });
    expect(counters.unhandled_errors_total).toBe(0);
  });

  const seed = Number(process.env.RPC_FUZZ_SEED ?? randomInt(1, 2 ** 31));
  test(`10,000 random and malformed lines each get a well-formed error, or none for a notification (seed ${seed})`, {
    timeout: 600_000,
  }, async () => {
    // Printed so a failure can be replayed: RPC_FUZZ_SEED=<seed> npx vitest run test/agent/control/hostile-input.test.ts
    console.log(`rpc fuzz seed ${seed} (replay with RPC_FUZZ_SEED=${seed})`);
    const channel = await openRawRpcChannel({
      port: store01.port,
      username: 'sys',
      privateKey: keys.sys.private,
    });
    const lines = new RpcFuzzLines(seed);
    const kinds = new Map<string, number>();
    for (let i = 0; i < 10_000; i++) {
      const line = lines.next();
      kinds.set(line.kind, (kinds.get(line.kind) ?? 0) + 1);
      const context = `seed ${seed}, line ${i} (${line.kind}): ${line.bytes.subarray(0, 120).toString('latin1')}`;
      await channel.write(Buffer.concat([line.bytes, Buffer.from('\n')]));
      if (line.expect.answer === 'none') {
        // Nothing must come back for a notification: the next answer is the one to a request sent after it.
        await channel.write(`{"jsonrpc":"2.0","id":"after-${i}","method":"node.info"}\n`);
        const next = await channel.nextMessage();
        expect(next.id, context).toBe(`after-${i}`);
        expect('result' in next, context).toBe(true);
        continue;
      }
      checkAnswer(await channel.nextMessage(), line.expect, context);
    }
    channel.close();
    console.log(`rpc fuzz lines by kind: ${JSON.stringify(Object.fromEntries(kinds))}`);
    // Every kind of line was sent.
    expect([...kinds.keys()].sort()).toEqual([
      'batch',
      'deep nesting',
      'deep params',
      'huge line',
      'huge number id',
      'huge number param',
      'invalid UTF-8',
      'long method name',
      'long param',
      'not JSON',
      'not a request',
      'notification',
      'unknown method',
      'valid call',
      'wrong envelope',
      'wrong params',
    ]);

    expect(store01.agent.child.exitCode).toBeNull();
    const { info, counters } = await nodeInfo(store01.port, store01.pinned);
    expect(info.name).toBe('store01');
    expect(counters.unhandled_errors_total).toBe(0);
  });
});

function checkAnswer(message: Record<string, unknown>, expected: FuzzExpectation, context: string): void {
  if (expected.answer === 'result') {
    expect(message, context).toMatchObject({ jsonrpc: '2.0', id: expected.id });
    expect('result' in message && !('error' in message), context).toBe(true);
    return;
  }
  if (expected.answer !== 'error') throw new Error('unreachable');
  const error = expectRpcError(message, context);
  expect(error.code, `${context}: ${error.message}`).toBe(expected.code);
  expect(message.id, context).toBe(expected.id);
}

test('an unhandled rejection and an uncaught exception inside the agent are logged and counted, not fatal', async () => {
  // Stands in for a bug somewhere in the agent: on SIGUSR2, a promise nobody awaits rejects and a
  // timer callback throws.
  const injector = join(directory.root, 'fault-injector.mjs');
  await writeFile(
    injector,
    `process.on('SIGUSR2', () => {
       Promise.reject(new Error('injected rejection'));
       setTimeout(() => { throw new Error('injected exception'); }, 10);
     });\n`,
  );
  const store02 = await startAgent('store02', ['--import', pathToFileURL(injector).href]);
  process.kill(store02.agent.child.pid as number, 'SIGUSR2');
  const rejection = await store02.agent.waitForLog('unhandled rejection; the agent keeps serving');
  const exception = await store02.agent.waitForLog('uncaught exception; the agent keeps serving');
  expect(rejection).toMatchObject({ level: 'error', fields: { error: 'injected rejection' } });
  expect(exception).toMatchObject({ level: 'error', fields: { error: 'injected exception' } });

  expect(store02.agent.child.exitCode).toBeNull();
  // The counter is read by the once-a-second sampler: wait for a sample taken after the faults.
  let counters = (await nodeInfo(store02.port, store02.pinned)).counters;
  for (let i = 0; i < 50 && counters.unhandled_errors_total !== 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    counters = (await nodeInfo(store02.port, store02.pinned)).counters;
  }
  expect(counters.unhandled_errors_total).toBe(2);
});
