/**
 * `npm run bench -- control`: the control plane's speed.
 * - RPC round trip over SSH to one agent process (node.info), p50/p99, against Debian's OpenSSH
 *   sshd echoing a line of the same size through the same ssh2 client (ratio = ours / OpenSSH);
 * - connecting to and fanning a fleet-wide query (node.metrics to every node, in parallel) out over
 *   the 39-process lab (35 stores, spare, director, gateway, directory);
 * - the same over 500 agents in one process.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFleet } from '../../main/core/open-fleet.js';
import { generateSshKey } from '../../main/lab/lab-keys.js';
import { msSince, percentile, round } from '../stats.js';
import { startBenchLab } from '../support/bench-lab.js';
import { consoleClientOf, startInProcessFleet } from './in-process-fleet.js';
import { openEchoChannel, startOpenSshPeer } from './openssh-peer.js';

const roundTrips = 2000;
const warmup = 200;
const fanOutRounds = 30;

export async function runControlBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-control-'));
  try {
    const lab = await labFigures(root, say);
    const scale = await inProcessFigures(join(root, 'in-process'), 500, say);
    return { ...lab, inProcess500: scale };
  } finally {
    await rm(root, { recursive: true, force: true, maxRetries: 5 }).catch((error: unknown) =>
      say(`could not remove ${root}: ${(error as Error).message}`),
    );
  }
}

async function labFigures(root: string, say: (line: string) => void) {
  const home = join(root, 'lab');
  say('starting the lab (35 stores, 1 spare, director, gateway, directory) ...');
  const lab = await startBenchLab(home, ['--users', '1000']);
  try {
    const profile = lab.profile;
    const connectStart = process.hrtime.bigint();
    const open = await openFleet(profile, { subscribe: false });
    try {
      await open.fleet.settled(30_000);
      const connectAllMs = msSince(connectStart);
      const nodes = open.fleet.nodeNames();
      const up = open.fleet.snapshot().nodes.filter((n) => n.observed === 'up').length;
      say(
        `connected to ${up} of ${nodes.length} nodes (SSH handshake, pinned keys, node.info) in ${round(connectAllMs, 1)} ms`,
      );

      // Round trip to one agent process.
      const info = await open.fleet.call('store01', 'node.info', {});
      const samples: number[] = [];
      for (let i = 0; i < warmup + roundTrips; i++) {
        const start = process.hrtime.bigint();
        await open.fleet.call('store01', 'node.info', {});
        if (i >= warmup) samples.push(msSince(start));
      }
      const ours = { p50: percentile(samples, 50), p99: percentile(samples, 99) };

      // OpenSSH echo of a line as long as node.info's answer, through the same ssh2 client.
      const key = generateSshKey('bench-client');
      const peer = await startOpenSshPeer(join(root, 'openssh'), key.publicKey);
      let openssh: { p50: number; p99: number };
      try {
        const echo = await openEchoChannel(peer, key.privateKey);
        const line = JSON.stringify({ jsonrpc: '2.0', id: 1, result: info });
        const peerSamples: number[] = [];
        for (let i = 0; i < warmup + roundTrips; i++) {
          const start = process.hrtime.bigint();
          await echo.roundTrip(line);
          if (i >= warmup) peerSamples.push(msSince(start));
        }
        echo.close();
        openssh = { p50: percentile(peerSamples, 50), p99: percentile(peerSamples, 99) };
      } finally {
        await peer.stop();
      }
      say(
        `RPC round trip (node.info, ${roundTrips}x): p50 ${round(ours.p50)} ms, p99 ${round(ours.p99)} ms; ` +
          `OpenSSH echo: p50 ${round(openssh.p50)} ms, p99 ${round(openssh.p99)} ms; ` +
          `ratio ours/OpenSSH p50 ${round(ours.p50 / openssh.p50, 2)}, p99 ${round(ours.p99 / openssh.p99, 2)}`,
      );

      const fanOut = await fanOutTimes(nodes, (node) => open.fleet.call(node, 'node.metrics', {}));
      say(
        `fleet fan-out (node.metrics to all ${nodes.length} nodes in parallel, ${fanOutRounds}x): ` +
          `p50 ${round(fanOut.p50)} ms, p99 ${round(fanOut.p99)} ms`,
      );
      return {
        labNodes: nodes.length,
        labConnectAllMs: round(connectAllMs, 1),
        rpcRoundTripMs: { p50: round(ours.p50), p99: round(ours.p99) },
        opensshEchoMs: { p50: round(openssh.p50), p99: round(openssh.p99) },
        ratioToOpenSsh: { p50: round(ours.p50 / openssh.p50, 2), p99: round(ours.p99 / openssh.p99, 2) },
        labFanOutMs: { p50: round(fanOut.p50), p99: round(fanOut.p99) },
      };
    } finally {
      await open.close();
    }
  } finally {
    await lab.stop();
  }
}

async function inProcessFigures(root: string, count: number, say: (line: string) => void) {
  say(`starting ${count} agents in this process ...`);
  const startAgents = process.hrtime.bigint();
  const fleet = await startInProcessFleet(root, count);
  const agentsStartMs = msSince(startAgents);
  const { client, directory } = consoleClientOf(fleet, { subscribe: false, readyTimeoutMs: 60_000 });
  try {
    const connectStart = process.hrtime.bigint();
    await client.start();
    await client.settled(120_000);
    const connectAllMs = msSince(connectStart);
    const nodes = client.nodeNames();
    const up = client.snapshot().nodes.filter((n) => n.observed === 'up').length;
    say(
      `${count} agents started in ${round(agentsStartMs, 0)} ms; console connected to ${up} in ${round(connectAllMs, 0)} ms`,
    );
    const fanOut = await fanOutTimes(nodes, (node) => client.call(node, 'node.metrics', {}));
    const snapshotStart = process.hrtime.bigint();
    client.snapshot();
    const snapshotMs = msSince(snapshotStart);
    const rssMiB = process.memoryUsage().rss / 1024 ** 2;
    say(
      `fan-out to ${nodes.length} in-process agents (${fanOutRounds}x): p50 ${round(fanOut.p50)} ms, ` +
        `p99 ${round(fanOut.p99)} ms; snapshot merge ${round(snapshotMs)} ms; process RSS ${round(rssMiB, 0)} MiB`,
    );
    return {
      agents: count,
      up,
      agentsStartMs: round(agentsStartMs, 0),
      connectAllMs: round(connectAllMs, 0),
      fanOutMs: { p50: round(fanOut.p50), p99: round(fanOut.p99) },
      snapshotMergeMs: round(snapshotMs),
      rssMiB: round(rssMiB, 0),
    };
  } finally {
    client.stop();
    await directory.close();
    await fleet.stop();
  }
}

async function fanOutTimes(nodes: string[], call: (node: string) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < fanOutRounds + 3; i++) {
    const start = process.hrtime.bigint();
    await Promise.all(nodes.map((node) => call(node)));
    if (i >= 3) samples.push(msSince(start));
  }
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}
