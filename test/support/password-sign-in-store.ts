/**
 * The fixture of the password sign-in tests (issue 15): one real store agent, `store01`, over the
 * test directory, with a system admin who holds both a key (for the tests' own calls) and a
 * directory password (for the writes an LDAP tool would make), beside the password-only admins a
 * test names.
 */
import type { Client } from 'ldapts';
import type { LoginLockout } from '../../agent/common/contract/methods.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { passwordModifyOid, passwordModifyRequest } from '../../agent/common/directory/ldap-session.js';
import type { AdminSeed } from '../../agent/common/directory/seed-entries.js';
import { connectRpc } from '../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair, type TestDirectorySeed } from './agent-test-directory.js';
import { writeAs } from './ldap-write-as.js';

/** The system admin's key pair and directory password. */
export const systemAdmin = {
  key: newKeyPair('sys'),
  password: 'Sys-Directory-Passw0rd',
};

/** A department admin of alpha.example who signs in with a password only (no key). */
export const alphaClerk = {
  uid: 'alpha-clerk',
  displayName: 'Alpha Clerk',
  tier: 'domain',
  domains: ['alpha.example'],
  password: 'Alpha-Clerk-Passw0rd',
} as const satisfies AdminSeed;

/** What a password sign-in store starts with. */
export interface PasswordSignInStoreOptions {
  /** The admins beside the system admin. */
  admins: AdminSeed[];
  extraEntries?: TestDirectorySeed['extraEntries'];
  /** Two slapd providers instead of the embedded directory. */
  replicated?: boolean;
  /** Receives the agent's log lines at debug level; without it the agent logs warnings to nowhere. */
  logSink?: (line: string) => void;
}

/** A running store agent and its directory. */
export interface PasswordSignInStore {
  directory: AgentTestDirectory;
  agent: Agent;
  /** The host keys the directory pins for store01. */
  pinnedHostKeys: string[];
  /** The agent's sign-in lockouts (`auth.lockouts`), read by the system admin with its key. */
  lockouts(): Promise<LoginLockout[]>;
  /** Stops the agent, then the directory. */
  stop(): Promise<void>;
}

/** Starts the directory (the system admin first) and the store agent `store01` on free ports. */
export async function startPasswordSignInStore(
  options: PasswordSignInStoreOptions,
): Promise<PasswordSignInStore> {
  const directory = await AgentTestDirectory.start(
    {
      servers: [{ name: 'store01', role: 'store' }],
      admins: [
        {
          uid: 'sys',
          displayName: 'System',
          tier: 'system',
          sshPublicKeys: [systemAdmin.key.public],
          password: systemAdmin.password,
        },
        ...options.admins,
      ],
      ...(options.extraEntries ? { extraEntries: options.extraEntries } : {}),
    },
    { replicated: options.replicated ?? false },
  );
  const logSink = options.logSink;
  let agent: Agent | undefined;
  try {
    agent = new Agent(
      parseAgentConfig(
        await directory.agentConfig('store01', { log: { level: logSink ? 'debug' : 'warn' } }),
      ),
      productionDependencies({ logSink: logSink ?? (() => {}) }),
    );
    await agent.start();
    const pinnedHostKeys = (await directory.reader('store01').getServer('store01'))?.hostKeys ?? [];
    const started = agent;
    return {
      directory,
      agent: started,
      pinnedHostKeys,
      lockouts: async () => {
        const sys = await connectRpc({
          host: '127.0.0.1',
          port: started.endpoints().controlPort,
          username: 'sys',
          privateKey: systemAdmin.key.private,
          pinnedHostKeys,
        });
        try {
          return (await sys.client.call('auth.lockouts', {})).lockouts;
        } finally {
          sys.close();
        }
      },
      stop: async () => {
        await started.stop();
        await directory.stop();
      },
    };
  } catch (error) {
    await agent?.stop().catch(() => {});
    await directory.stop();
    throw error;
  }
}

/** Writes to the directory as the system admin would from any LDAP tool. */
export function writeAsSystemAdmin(
  directory: AgentTestDirectory,
  change: (client: Client, tree: FleetTree) => Promise<unknown>,
): Promise<void> {
  const tree = new FleetTree(directory.baseDn);
  return writeAs(directory.url, tree.admin('sys'), systemAdmin.password, (client) => change(client, tree));
}

/** Sets an admin's password in the directory (the LDAP password modify operation), as the system admin. */
export function changeAdminPassword(
  directory: AgentTestDirectory,
  uid: string,
  password: string,
): Promise<void> {
  return writeAsSystemAdmin(directory, (client, tree) =>
    client.exop(passwordModifyOid, passwordModifyRequest(tree.admin(uid), password)),
  );
}
