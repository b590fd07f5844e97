/**
 * Real agents for the director role tests: the embedded directory with the store seed, a helpdesk
 * admin key, a system admin key and a domain admin key (alpha.example), a store agent (store01) and a director agent (director01) whose configuration
 * the test gives, and SSH RPC connections to them with pinned host keys.
 */
import { connectRpc, type RpcConnection } from '../../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../../agent/daemon/agent.js';
import { type AgentConfigInput, parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../../support/agent-test-directory.js';
import { storeSeedEntries } from '../../../support/store-seed.js';

/** The running agents. */
export interface DirectorAgents {
  directory: AgentTestDirectory;
  store: Agent;
  director: Agent;
  /**
   * An RPC connection as the helpdesk admin `hd` (default), the system admin `sys` or `alpha`, the
   * domain admin of alpha.example.
   */
  connect(node: 'store01' | 'director01', admin?: 'hd' | 'sys' | 'alpha'): Promise<RpcConnection>;
  stop(): Promise<void>;
}

/**
 * Starts the directory, the store agent and the director agent (with `directorConfig` merged in);
 * `clock` is the agents' time (default the system's); `logSink` gets the agents' log lines
 * (default: dropped).
 */
export async function startDirectorAgents(
  directorConfig: Partial<AgentConfigInput>,
  clock: { now(): number } = { now: () => Date.now() },
  logSink: (line: string) => void = () => {},
): Promise<DirectorAgents> {
  const keys = { hd: newKeyPair('hd'), sys: newKeyPair('sys'), alpha: newKeyPair('alpha') };
  const directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'director01', role: 'director' },
    ],
    admins: [
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [keys.hd.public] },
      { uid: 'sys', displayName: 'Postmaster', tier: 'system', sshPublicKeys: [keys.sys.public] },
      {
        uid: 'alpha',
        displayName: 'Alpha Admin',
        tier: 'domain',
        domains: ['alpha.example'],
        sshPublicKeys: [keys.alpha.public],
      },
    ],
    extraEntries: storeSeedEntries,
  });
  const dependencies = productionDependencies({ clock, logSink });
  const store = new Agent(
    parseAgentConfig(
      await directory.agentConfig('store01', {
        mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
      }),
    ),
    dependencies,
  );
  await store.start();
  const director = new Agent(
    parseAgentConfig(await directory.agentConfig('director01', directorConfig)),
    dependencies,
  );
  await director.start();
  const connections: RpcConnection[] = [];
  return {
    directory,
    store,
    director,
    async connect(node, admin = 'hd') {
      const entry = await directory.reader(node).getServer(node);
      const connection = await connectRpc({
        host: '127.0.0.1',
        port: (node === 'store01' ? store : director).endpoints().controlPort,
        username: admin,
        privateKey: keys[admin].private,
        pinnedHostKeys: entry?.hostKeys ?? [],
      });
      connections.push(connection);
      return connection;
    },
    async stop() {
      for (const connection of connections) connection.close();
      await director.stop();
      await store.stop();
      await directory.stop();
    },
  };
}
