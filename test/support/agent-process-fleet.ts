/**
 * A fleet of real `mailfleet-agent` processes for the tests that kill nodes (replication,
 * failover, moves): the embedded directory in the test process with a system admin, mail nodes
 * (stores, a spare) with their LMTP, IMAP and POP3 services, and a director (SMTP routing, queue,
 * IMAP/POP3 proxy). Every port is fixed when the fleet is made, so a node killed with SIGKILL and
 * started again listens where it did.
 */
import type { DirectoryEntry } from '../../agent/common/directory/directory-entry.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { connectRpc, type RpcConnection } from '../../agent/common/rpc/connect-rpc.js';
import { type AgentProcesses, agentProcesses, freePorts } from './agent-processes.js';
import { AgentTestDirectory, newKeyPair } from './agent-test-directory.js';
import type { CompiledAgent } from './compiled-agent.js';

const sys = newKeyPair('sys');
const sysPassword = 'sys-directory-pw';

/** A node of the fleet: a mail node (store or spare) or the director. */
export interface FleetNodeSpec<N extends string> {
  name: N;
  role: 'store' | 'spare' | 'director';
}

/** A node's loopback ports: control and IMAP/POP3 on every node, LMTP on mail nodes, SMTP on the director. */
export interface NodePorts {
  control: number;
  imap: number;
  pop3: number;
  lmtp?: number;
  smtp?: number;
}

/** What the fleet runs. */
export interface AgentProcessFleetOptions<N extends string> {
  /** The nodes, in the order they start (and stop). */
  nodes: ReadonlyArray<FleetNodeSpec<N>>;
  /** The directory's entries beside the servers and the system admin (domains, stores, users). */
  extraEntries: (tree: FleetTree) => DirectoryEntry[];
  /** Agent settings every mail node gets beside its mail services (moves, replication, failover). */
  mailNodeSettings: Record<string, unknown>;
}

/** The running fleet. */
export interface AgentProcessFleet<N extends string> {
  directory: AgentTestDirectory;
  /** Bound as the system admin. */
  writer: LdapFleetDirectory;
  ports: Record<N, NodePorts>;
  /** The agent processes (start, kill, the running child). */
  agents: AgentProcesses<N>;
  /** Each node's data directory. */
  dataDir(node: N): string;
  /** The host keys the directory pins for a node. */
  pinnedHostKeys(node: N): Promise<string[]>;
  /** A new RPC connection as the system admin (the caller closes it). */
  rpc(node: N): Promise<RpcConnection>;
  /** Closes the writer, kills every node, stops the directory. */
  stop(): Promise<void>;
}

/** Starts the directory and one agent process a node, in order. */
export async function startAgentProcessFleet<N extends string>(
  compiled: CompiledAgent,
  options: AgentProcessFleetOptions<N>,
): Promise<AgentProcessFleet<N>> {
  const directory = await AgentTestDirectory.start({
    servers: options.nodes.map(({ name, role }) => ({ name, role })),
    admins: [
      {
        uid: 'sys',
        displayName: 'System',
        tier: 'system',
        sshPublicKeys: [sys.public],
        password: sysPassword,
      },
    ],
    extraEntries: options.extraEntries,
  });
  const free = await freePorts(options.nodes.length * 4);
  let next = 0;
  const port = () => free[next++]!;
  const ports = {} as Record<N, NodePorts>;
  const configs = {} as Record<N, Record<string, unknown>>;
  for (const { name, role } of options.nodes) {
    const control = port();
    const base = await directory.agentConfig(name, { control: { host: '127.0.0.1', port: control } });
    if (role === 'director') {
      const director = { control, smtp: port(), imap: port(), pop3: port() };
      ports[name] = director;
      configs[name] = {
        ...base,
        director: { host: '127.0.0.1', smtpPort: director.smtp, trustedNetworks: ['127.0.0.1/32'] },
        proxy: { host: '127.0.0.1', imapPort: director.imap, pop3Port: director.pop3, failedLoginDelayMs: 0 },
        metricsHttp: undefined,
        log: { level: 'info' },
      };
    } else {
      const mail = { control, lmtp: port(), imap: port(), pop3: port() };
      ports[name] = mail;
      configs[name] = {
        ...base,
        mail: { host: '127.0.0.1', lmtpPort: mail.lmtp, imapPort: mail.imap, pop3Port: mail.pop3 },
        ...options.mailNodeSettings,
        metricsHttp: undefined,
        log: { level: 'info' },
      };
    }
  }
  const names = options.nodes.map((node) => node.name);
  const agents = agentProcesses(compiled, directory.root, configs);
  try {
    await agents.startAll(names);
  } catch (error) {
    await directory.stop();
    throw error;
  }
  const writer = LdapFleetDirectory.withPassword({
    url: directory.url,
    baseDn: directory.baseDn,
    bindDn: new FleetTree(directory.baseDn).admin('sys'),
    bindPassword: sysPassword,
  });
  const pinnedHostKeys = async (node: N) => (await directory.reader(node).getServer(node))?.hostKeys ?? [];
  return {
    directory,
    writer,
    ports,
    agents,
    dataDir: (node) => configs[node].dataDir as string,
    pinnedHostKeys,
    rpc: async (node) =>
      connectRpc({
        host: '127.0.0.1',
        port: ports[node].control,
        username: 'sys',
        privateKey: sys.private,
        pinnedHostKeys: await pinnedHostKeys(node),
        readyTimeoutMs: 5000,
      }),
    stop: async () => {
      await writer.close();
      for (const node of names) await agents.kill(node);
      await directory.stop();
    },
  };
}
