/**
 * Real `mailfleet-agent` processes for fleet tests, one per node, each started from its own
 * configuration and stopped by pid (SIGKILL: the crash tests' kill -9), plus what such tests share:
 * loopback ports fixed before the fleet starts (so a node started again listens where it did) and
 * one raw message sent by SMTP or LMTP.
 */
import { once } from 'node:events';
import { createTransport } from 'nodemailer';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { type AgentChild, spawnAgentChild } from './agent-child.js';
import type { CompiledAgent } from './compiled-agent.js';

/** The running agents of a fleet, by node name. */
export interface AgentProcesses<N extends string> {
  start(node: N): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(node: N): Promise<void>;
  /** The running child of a node, if any. */
  child(node: N): AgentChild | undefined;
  /** Starts every node in order; on a failure kills those started and rethrows. */
  startAll(nodes: readonly N[]): Promise<void>;
}

/** How many times a node is started when one of its ports is taken at that moment. */
const portTakenTries = 4;

/** Agents started from `configs` (written to `<configDir>/<node>.json` at each start). */
export function agentProcesses<N extends string>(
  compiled: CompiledAgent,
  configDir: string,
  configs: Record<N, Record<string, unknown>>,
): AgentProcesses<N> {
  const running = new Map<N, AgentChild>();
  const start = async (node: N) => {
    for (let attempt = 1; ; attempt++) {
      const child = await spawnAgentChild({
        bin: compiled.bin,
        config: JSON.parse(JSON.stringify(configs[node])),
        configDir,
        configFile: `${node}.json`,
      });
      running.set(node, child);
      try {
        await child.waitForLog('started');
        return;
      } catch (error) {
        // Another suite's free-port search binds ports for a moment to check them (free-ports.ts):
        // a node's fixed port can be taken just then. It is free again shortly after.
        await outputEnded(child);
        const portTaken = child.stderr.some((line) => /EADDRINUSE/.test(line));
        if (!portTaken || attempt >= portTakenTries) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  };
  const kill = async (node: N) => {
    const child = running.get(node);
    running.delete(node);
    if (!child || child.child.exitCode !== null) return;
    child.kill();
    await child.exited;
  };
  return {
    start,
    kill,
    child: (node) => running.get(node),
    startAll: async (nodes) => {
      try {
        for (const node of nodes) await start(node);
      } catch (error) {
        for (const node of nodes) await kill(node);
        throw error;
      }
    },
  };
}

/** Resolves once the exited child's stdout and stderr are read to their end. */
async function outputEnded(agent: AgentChild): Promise<void> {
  const { child } = agent;
  if (child.stdout?.closed !== false && child.stderr?.closed !== false) return;
  await once(child, 'close');
}

/**
 * `count` distinct free loopback ports, from below the kernel's ephemeral range as the lab picks
 * them (main/lab/free-ports.ts): a fleet's ports are fixed when it is made and bound seconds later
 * (and again after a kill), and a port from `listen(0)` lies where every outgoing connection on the
 * machine takes its local port (seen: EADDRINUSE for a store of the replication fleet while other
 * suites ran).
 */
export function freePorts(count: number): Promise<number[]> {
  return findFreePorts(count);
}

/** Sends one small message with this Message-ID by SMTP (or LMTP); true when it was accepted. */
export async function sendTestMessage(options: {
  port: number;
  lmtp?: boolean;
  to: string;
  messageId: string;
  body: string;
}): Promise<boolean> {
  const { port, lmtp = false, to, messageId, body } = options;
  const transport = createTransport({ host: '127.0.0.1', port, lmtp, ignoreTLS: true });
  try {
    await transport.sendMail({
      envelope: { from: 'sender@example.org', to: [to] },
      raw: `From: sender@example.org\r\nTo: ${to}\r\nSubject: ${messageId}\r\nMessage-ID: <${messageId}>\r\n\r\n${body}\r\n`,
    });
    return true;
  } catch {
    return false;
  } finally {
    transport.close();
  }
}
