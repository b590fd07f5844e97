/**
 * One agent of the `directory` role for the tests of what that role does (its bind throttle, its
 * audit of directory changes): the embedded LDAP server on a free loopback port, seeded offline
 * with the fleet tree, the node `directory01` and the entries a test adds, and the agent started
 * on it with control and metrics on free ports. Everything lives in one temporary directory.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBaseEntries, serverEntry } from '../../agent/common/directory/seed-entries.js';
import type { LogLevel } from '../../agent/common/json-logger.js';
import { Agent, type AgentDependencies } from '../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../agent/daemon/production-dependencies.js';
import { importDirectoryEntries } from '../../agent/directory/embedded/import-entries.js';
import { probeFreePort } from './free-port.js';

/** The directory node's own bind password. */
const nodePassword = 'directory01-secret';

/** The fleet tree's base entries and the directory node `directory01`'s own server entry. */
export function directoryNodeEntries(tree: FleetTree): DirectoryEntry[] {
  return [
    ...directoryBaseEntries(tree),
    serverEntry(tree, {
      name: 'directory01',
      role: 'directory',
      address: '127.0.0.1',
      controlPort: 1,
      password: nodePassword,
    }),
  ];
}

/** What the directory node starts with. */
export interface DirectoryRoleAgentOptions {
  /** The temporary directory's name prefix, after `mailfleet-`. */
  name: string;
  /** The entries beside the fleet tree's base and the node's own (admins, domains, users). */
  entries: (tree: FleetTree) => DirectoryEntry[];
  log: LogLevel;
  /** The agent's clock and log sink, when a test reads them. */
  dependencies?: Partial<Pick<AgentDependencies, 'clock' | 'logSink'>>;
}

/** A running directory node. */
export interface DirectoryRoleAgent {
  agent: Agent;
  tree: FleetTree;
  baseDn: string;
  /** `ldap://127.0.0.1:port` of the embedded directory the agent serves. */
  ldapUrl: string;
  /** The agent's data directory (its audit log lives there). */
  nodeDataDir: string;
  /** The host keys the directory holds for directory01, read with the node's own bind. */
  pinnedHostKeys(): Promise<string[]>;
  /** Stops the agent and deletes the temporary directory. */
  stop(): Promise<void>;
}

/** Seeds the embedded directory and starts directory01's agent on it. */
export async function startDirectoryRoleAgent(
  options: DirectoryRoleAgentOptions,
): Promise<DirectoryRoleAgent> {
  const baseDn = 'dc=mailfleet,dc=lab';
  const tree = new FleetTree(baseDn);
  const root = await mkdtemp(join(tmpdir(), `mailfleet-${options.name}-`));
  let agent: Agent | undefined;
  const stop = async () => {
    await agent?.stop();
    await rm(root, { recursive: true, force: true });
  };
  try {
    const ldapDataDir = join(root, 'ldap');
    const nodeDataDir = join(root, 'node');
    await importDirectoryEntries(ldapDataDir, baseDn, [
      ...directoryNodeEntries(tree),
      ...options.entries(tree),
    ]);
    const ldapPort = await probeFreePort();
    const ldapUrl = `ldap://127.0.0.1:${ldapPort}`;
    const bindPasswordFile = join(root, 'bind-password');
    await writeFile(bindPasswordFile, nodePassword, { mode: 0o600 });
    agent = new Agent(
      parseAgentConfig({
        node: 'directory01',
        dataDir: nodeDataDir,
        directory: { url: ldapUrl, baseDn, bindDn: tree.server('directory01'), bindPasswordFile },
        control: { host: '127.0.0.1', port: 0 },
        metricsHttp: { host: '127.0.0.1', port: 0 },
        embeddedDirectory: { host: '127.0.0.1', port: ldapPort, dataDir: ldapDataDir, baseDn },
        log: { level: options.log },
      }),
      productionDependencies({ logSink: () => {}, ...options.dependencies }),
    );
    await agent.start();
    const started = agent;
    return {
      agent: started,
      tree,
      baseDn,
      ldapUrl,
      nodeDataDir,
      pinnedHostKeys: async () => {
        const reader = LdapFleetDirectory.withPassword({
          url: ldapUrl,
          baseDn,
          bindDn: tree.server('directory01'),
          bindPassword: nodePassword,
        });
        try {
          return (await reader.getServer('directory01'))?.hostKeys ?? [];
        } finally {
          await reader.close().catch(() => {});
        }
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
