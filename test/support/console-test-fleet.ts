/**
 * A console service on a real small fleet for tests: the embedded directory, store agents in this
 * process, a FleetClient with live 1 Hz streams logged in as an admin of the given tier, and the
 * ConsoleService on it (settings in memory).
 */

import type { AdminTier } from '../../agent/common/directory/fleet-entries.js';
import type { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { Agent } from '../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../agent/daemon/production-dependencies.js';
import type { ConsoleLocale } from '../../main/console/console-contract.js';
import { ConsoleService } from '../../main/console/console-service.js';
import { MemorySettings } from '../../main/console/console-settings.js';
import { sshAgentConnector } from '../../main/core/agent-connector.js';
import { FleetClient } from '../../main/core/fleet-client.js';
import { AgentTestDirectory, newKeyPair } from './agent-test-directory.js';

/** A running test fleet with its console service. */
export interface ConsoleTestFleet {
  directory: AgentTestDirectory;
  agents: Map<string, Agent>;
  fleet: FleetClient;
  service: ConsoleService;
  /** Resolves once every named node is up with a sample in the service's snapshot. */
  nodesUp(names: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `stores` store agents and a console logged in as an admin of `tier`. */
export async function startConsoleTestFleet(options: {
  stores: string[];
  tier?: AdminTier;
  systemLocale?: ConsoleLocale;
}): Promise<ConsoleTestFleet> {
  const adminKey = newKeyPair('console-test-admin');
  const directory = await AgentTestDirectory.start({
    servers: options.stores.map((name) => ({ name, role: 'store' as const })),
    admins: [
      {
        uid: 'admin',
        displayName: 'Console Admin',
        tier: options.tier ?? 'system',
        sshPublicKeys: [adminKey.public],
      },
    ],
  });
  const agents = new Map<string, Agent>();
  for (const name of options.stores) {
    const agent = new Agent(
      parseAgentConfig(await directory.agentConfig(name)),
      productionDependencies({ logSink: () => {} }),
    );
    await agent.start();
    agents.set(name, agent);
  }
  const reader: LdapFleetDirectory = directory.reader(options.stores[0]!);
  const fleet = new FleetClient({
    directory: reader,
    connector: sshAgentConnector({ uid: 'admin', privateKey: adminKey.private }),
    subscribe: true,
    directoryRefreshMs: 500,
  });
  await fleet.start();
  const service = new ConsoleService({
    fleet,
    settings: new MemorySettings(),
    systemLocale: options.systemLocale ?? 'ja',
  });
  service.start();
  return {
    directory,
    agents,
    fleet,
    service,
    nodesUp: async (names) => {
      for (let i = 0; i < 400; i++) {
        const snapshot = await service.run('fleet.snapshot', {});
        const ready = names.every((name) =>
          snapshot.nodes.some((n) => n.name === name && n.state === 'up' && n.sample),
        );
        if (ready) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`nodes never came up: ${names.join(', ')}`);
    },
    stop: async () => {
      service.stop();
      fleet.stop();
      await reader.close();
      for (const agent of agents.values()) await agent.stop();
      await directory.stop();
    },
  };
}
