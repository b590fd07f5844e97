/**
 * The console's fleet client against real agents (in this process) and the real embedded directory:
 * live samples merged into one snapshot, a stopped agent seen down and then back, a node whose host
 * key does not match its directory entry refused as a possible impersonation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { sshAgentConnector } from '../../../main/core/agent-connector.js';
import { FleetClient } from '../../../main/core/fleet-client.js';
import type { FleetSnapshot } from '../../../main/core/fleet-snapshot.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';

const adminKey = newKeyPair('sys');
const impostorPinned = newKeyPair('what the directory says store03 is');
const quiet = () => {};

let directory: AgentTestDirectory;
let reader: LdapFleetDirectory;
const agents = new Map<string, Agent>();
let skewMs = 0;
let client: FleetClient;

async function startAgent(name: string): Promise<Agent> {
  const agent = new Agent(
    parseAgentConfig(await directory.agentConfig(name)),
    productionDependencies({ logSink: quiet }),
  );
  await agent.start();
  agents.set(name, agent);
  return agent;
}

async function snapshotWhen(check: (s: FleetSnapshot) => boolean, what: string): Promise<FleetSnapshot> {
  for (let i = 0; i < 300; i++) {
    const snapshot = client.snapshot();
    if (check(snapshot)) return snapshot;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(
    `snapshot never showed ${what}: ${JSON.stringify(client.snapshot().nodes.map((n) => [n.name, n.observed, n.problem]))}`,
  );
}

const view = (s: FleetSnapshot, name: string) => s.nodes.find((n) => n.name === name);

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      // The directory pins a key store03's agent does not have: what an impostor looks like.
      { name: 'store03', role: 'store', hostKeys: [impostorPinned.public] },
    ],
    admins: [{ uid: 'sys', displayName: 'System Admin', tier: 'system', sshPublicKeys: [adminKey.public] }],
  });
  for (const name of ['store01', 'store02', 'store03']) await startAgent(name);
  reader = directory.reader('store01');
  client = new FleetClient({
    directory: reader,
    connector: sshAgentConnector({ uid: 'sys', privateKey: adminKey.private }),
    subscribe: true,
    directoryRefreshMs: 300,
    now: () => Date.now() + skewMs,
  });
  await client.start();
});

afterAll(async () => {
  client?.stop();
  await reader?.close();
  for (const agent of agents.values()) await agent.stop();
  await directory?.stop();
});

describe('FleetClient', () => {
  it('merges live 1 Hz samples of every node into one snapshot', async () => {
    const first = await snapshotWhen(
      (s) => ['store01', 'store02'].every((n) => view(s, n)?.observed === 'up' && view(s, n)?.metrics),
      'store01 and store02 up with figures',
    );
    const seq = view(first, 'store01')!.metrics!.seq;
    const later = await snapshotWhen((s) => (view(s, 'store01')?.metrics?.seq ?? 0) > seq, 'a newer sample');
    expect(view(later, 'store01')!.metrics!.node).toBe('store01');
    expect(view(later, 'store01')!.staleMs).toBeLessThan(3000);
    expect(later.directory.reachable).toBe(true);
  });

  it('refuses a node whose host key does not match the directory, as a possible impersonation', async () => {
    const snapshot = await snapshotWhen((s) => view(s, 'store03')?.problem !== undefined, 'store03 refused');
    expect(view(snapshot, 'store03')?.observed).toBe('down');
    expect(view(snapshot, 'store03')?.problem?.kind).toBe('host-key-mismatch');
    expect(view(snapshot, 'store03')?.problem?.message).toMatch(/possible impersonation/);
  });

  it('calls a node down when its figures stop coming, saying how stale they are', async () => {
    await snapshotWhen((s) => view(s, 'store01')?.observed === 'up', 'store01 up');
    skewMs = 10_000; // as if ten seconds passed with no sample
    const stale = client.snapshot();
    skewMs = 0;
    expect(view(stale, 'store01')?.observed).toBe('down');
    expect(view(stale, 'store01')?.problem?.kind).toBe('stale');
    expect(view(stale, 'store01')?.staleMs).toBeGreaterThanOrEqual(10_000);
  });

  it('sees a stopped agent down at once and up again after it restarts on a new port', async () => {
    await snapshotWhen((s) => view(s, 'store02')?.observed === 'up', 'store02 up');
    await agents.get('store02')!.stop();
    const down = await snapshotWhen((s) => view(s, 'store02')?.observed === 'down', 'store02 down');
    expect(view(down, 'store02')?.problem?.kind).toBe('unreachable');
    expect(view(down, 'store01')?.observed).toBe('up');
    // Port 0: the new agent listens elsewhere and publishes it; the client follows the directory.
    await startAgent('store02');
    await snapshotWhen((s) => view(s, 'store02')?.observed === 'up', 'store02 up again');
  });
});
