/**
 * `mailfleet-agent --config FILE` as a process: JSON logs, systemd notifications, SIGTERM -> clean
 * stop and exit 0, and exit 1 for a node the directory does not know.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { connectRpc } from '../../../agent/control/connect-rpc.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import { listenNotifySocket, type NotifySocketListener } from '../../support/notify-socket-listener.js';

const systemKey = newKeyPair('sys');
let directory: AgentTestDirectory;
let notifySocket: NotifySocketListener | undefined;
let compiled: CompiledAgent;
const children: ChildProcess[] = [];

beforeAll(async () => {
  compiled = await compileAgent();
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'director01', role: 'director' }],
    admins: [{ uid: 'sys', displayName: 'Sys', tier: 'system', sshPublicKeys: [systemKey.public] }],
  });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  notifySocket?.close();
  await directory?.stop();
  await compiled?.remove();
});

interface RunningAgent {
  child: ChildProcess;
  /** Every stdout line, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Lines that were not JSON. */
  otherLines: string[];
  stderr: string[];
  waitForLog(msg: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

async function spawnAgent(config: unknown, env: NodeJS.ProcessEnv = {}): Promise<RunningAgent> {
  const file = join(directory.root, `agent-${children.length}.json`);
  await writeFile(file, JSON.stringify(config));
  const child = spawn(process.execPath, [compiled.bin, '--config', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const logs: Array<Record<string, unknown>> = [];
  const otherLines: string[] = [];
  const stderr: string[] = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      otherLines.push(line);
      return;
    }
    logs.push(parsed);
    for (const waiter of waiters.filter((w) => w.msg === parsed.msg)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(parsed);
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    otherLines,
    stderr,
    exited,
    waitForLog: (msg) => {
      const seen = logs.find((line) => line.msg === msg);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ msg, resolve });
        void exited.then((code) =>
          reject(new Error(`agent exited (${code}) before logging "${msg}": ${stderr.join('\n')}`)),
        );
      });
    },
  };
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
