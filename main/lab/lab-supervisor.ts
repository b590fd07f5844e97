/**
 * The process behind `mailfleet lab up`: starts the directory node first, then every other node, each
 * its own OS process; serves `lab start NODE`; on SIGINT/SIGTERM stops the nodes (directory last).
 * It restarts nothing by itself: a killed node stays down until someone starts it.
 */
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { connect, type Server } from 'node:net';
import type { LabControlReply, LabControlRequest } from './lab-control.js';
import { serveLabControl } from './lab-control.js';
import type { LabLayout } from './lab-layout.js';
import type { LabNode, LabState } from './lab-plan.js';
import { runningNodePid, spawnNode, stopNode } from './node-process.js';
import { writeSupervisorPid } from './supervisor-pid.js';

/** How many agents start at once: a 2-core machine starts 38 fastest in small waves. */
const startWave = 6;

export class LabSupervisor {
  private control: Server | undefined;

  constructor(
    private readonly layout: LabLayout,
    private readonly state: LabState,
    private readonly say: (line: string) => void,
  ) {}

  /** Starts every node that is not already running, the directory first. */
  async start(): Promise<void> {
    await writeSupervisorPid(this.layout.supervisorPid);
    await rm(this.layout.controlSocket, { force: true });
    this.control = await serveLabControl(this.layout.controlSocket, (request) => this.handle(request));
    const directory = this.state.nodes.filter((n) => n.role === 'directory');
    for (const node of directory) {
      await this.startNode(node.name);
      if (node.ldapPort !== undefined) await waitForPort(node.ldapPort, 30_000, node.name);
    }
    const others = this.state.nodes.filter((n) => n.role !== 'directory');
    for (let i = 0; i < others.length; i += startWave) {
      await Promise.all(others.slice(i, i + startWave).map((n) => this.startNode(n.name)));
    }
  }

  /** Stops every node (directory last) and the control socket. Failures are reported, not thrown. */
  async stop(): Promise<void> {
    this.control?.close();
    const stopAll = async (nodes: LabNode[]) =>
      Promise.all(
        nodes.map((n) =>
          stopNode(this.layout, n.name).catch((error: unknown) =>
            this.say(`could not stop ${n.name}: ${error instanceof Error ? error.message : String(error)}`),
          ),
        ),
      );
    await stopAll(this.state.nodes.filter((n) => n.role !== 'directory'));
    await stopAll(this.state.nodes.filter((n) => n.role === 'directory'));
    await rm(this.layout.controlSocket, { force: true });
    await rm(this.layout.supervisorPid, { force: true });
  }

  /** Starts the node named `name` unless it runs; resolves with its pid. */
  async startNode(name: string): Promise<number> {
    const running = await runningNodePid(this.layout, name);
    if (running !== undefined) return running;
    return spawnNode(this.layout, name);
  }

  private async handle(request: LabControlRequest): Promise<LabControlReply> {
    const node = this.state.nodes.find((n) => n.name === request.node);
    if (!node) return { ok: false, error: `this lab has no node named ${request.node}` };
    const running = await runningNodePid(this.layout, node.name);
    if (running !== undefined)
      return { ok: true, message: `${node.name} is already running (pid ${running})` };
    const pid = await spawnNode(this.layout, node.name);
    this.say(`started ${node.name} (pid ${pid})`);
    return { ok: true, message: `started ${node.name} (pid ${pid})` };
  }
}

/** Waits until something accepts TCP connections on `host` (default 127.0.0.1) `port`. */
export async function waitForPort(
  port: number,
  timeoutMs: number,
  what: string,
  host = '127.0.0.1',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const socket = connect(port, host);
    try {
      await once(socket, 'connect');
      socket.destroy();
      return;
    } catch {
      socket.destroy();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(
    `${what} did not start listening on port ${port} within ${timeoutMs / 1000} s (see its agent.log)`,
  );
}
