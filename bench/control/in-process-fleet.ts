/**
 * Many agents in one process, for the scale part of the control bench: an embedded directory seeded
 * with N server entries and an admin, then N Agent objects on loopback ports of their own choosing
 * (port 0: each publishes its port in its entry, as a real node does), each binding to
 * the directory as its own server entry like a real node.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { adminEntry, directoryBaseEntries, serverEntry } from '../../agent/common/directory/seed-entries.js';
import { Agent } from '../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../agent/daemon/production-dependencies.js';
import { EmbeddedDirectoryServer } from '../../agent/directory/embedded/embedded-directory-server.js';
import { importDirectoryEntries } from '../../agent/directory/embedded/import-entries.js';
import { sshAgentConnector } from '../../main/core/agent-connector.js';
import { FleetClient } from '../../main/core/fleet-client.js';
import { generateSshKey, writeSshKey } from '../../main/lab/lab-keys.js';

export interface InProcessFleet {
  directoryUrl: string;
  baseDn: string;
  adminBindDn: string;
  adminPassword: string;
  adminPrivateKey: string;
  agents: Agent[];
  stop(): Promise<void>;
}

const baseDn = 'dc=bench,dc=lab';

/** Options of {@link startInProcessFleet}. */
export interface InProcessFleetOptions {
  /**
   * Whether each agent reads every server's host key (as peers' keys, default true). Without, each
   * agent's key cache holds the admins' keys and its own entry: 1,000 agents in one process each
   * parsing 1,000 keys every 30 s is a core's worth of work that real nodes do on their own CPUs,
   * and would measure that, not a console watching them.
   */
  peerKeys?: boolean;
}

/** Starts a directory and `count` store agents in this process. */
export async function startInProcessFleet(
  root: string,
  count: number,
  options: InProcessFleetOptions = {},
): Promise<InProcessFleet> {
  const tree = new FleetTree(baseDn);
  const admin = generateSshKey('bench-admin');
  const adminPassword = 'bench-admin-password';
  const entries = [
    ...directoryBaseEntries(tree),
    adminEntry(tree, {
      uid: 'benchadmin',
      displayName: 'Bench admin',
      tier: 'system',
      sshPublicKeys: [admin.publicKey],
      password: adminPassword,
    }),
  ];
  const names: string[] = [];
  for (let i = 1; i <= count; i++) {
    const name = `store${String(i).padStart(3, '0')}`;
    names.push(name);
    const hostKey = generateSshKey(name);
    const nodeDir = join(root, name);
    await mkdir(join(nodeDir, 'data'), { recursive: true, mode: 0o700 });
    await writeSshKey(join(nodeDir, 'host_key'), hostKey);
    await writeFile(join(nodeDir, 'bind-password'), `${name}-secret`, { mode: 0o600 });
    entries.push(
      serverEntry(tree, {
        name,
        role: 'store',
        address: '127.0.0.1',
        // Replaced by the port the agent listens on when it starts: ports probed free beforehand
        // are taken by other processes on a shared machine before 1,000 agents get to them.
        controlPort: 1,
        hostKeys: [hostKey.publicKey],
        password: `${name}-secret`,
      }),
    );
  }
  await importDirectoryEntries(join(root, 'directory'), baseDn, entries);
  const directory = new EmbeddedDirectoryServer({
    dataDir: join(root, 'directory'),
    baseDn,
    host: '127.0.0.1',
    port: 0,
    // Hundreds of agents connect from loopback at once, before any has bound as its server entry.
    exemptAddresses: ['127.0.0.1'],
  });
  await directory.start();

  const logSink = () => {};
  // 500 agents in one thread each listing all 500 servers for their key caches would measure the
  // directory's serialisation (O(n^2)), not the control plane: here they share one client whose
  // list calls are memoised for a few seconds. Separate processes (the lab) each have their own.
  const shared = sharedDirectory(
    new LdapFleetDirectory({
      url: directory.url,
      baseDn,
      bindDn: tree.admin('benchadmin'),
      bindPassword: adminPassword,
    }),
  );
  const agents = names.map(
    (name) =>
      new Agent(
        parseAgentConfig({
          node: name,
          dataDir: join(root, name, 'data'),
          directory: {
            url: directory.url,
            baseDn,
            bindDn: tree.server(name),
            bindPasswordFile: join(root, name, 'bind-password'),
          },
          control: { host: '127.0.0.1', port: 0 },
          hostKeyFile: join(root, name, 'host_key'),
          log: { level: 'error' },
        }),
        productionDependencies({
          logSink,
          directoryFactory: () =>
            options.peerKeys === false ? ownEntryOnly(shared.directory, name) : shared.directory,
        }),
      ),
  );
  // Waves: 500 agents binding and publishing at once would measure the directory, not the agents.
  for (let i = 0; i < agents.length; i += 25) {
    await Promise.all(agents.slice(i, i + 25).map((agent) => agent.start()));
  }
  return {
    directoryUrl: directory.url,
    baseDn,
    adminBindDn: tree.admin('benchadmin'),
    adminPassword,
    adminPrivateKey: admin.privateKey,
    agents,
    stop: async () => {
      await Promise.all(agents.map((agent) => agent.stop()));
      await shared.close();
      await directory.stop();
    },
  };
}

/** One directory client for many agents: list calls memoised for 5 s, close() left to the owner. */
function sharedDirectory(inner: LdapFleetDirectory): { directory: FleetDirectory; close(): Promise<void> } {
  const memo = new Map<string, { at: number; value: Promise<unknown> }>();
  const remembered = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const hit = memo.get(key);
    if (hit && Date.now() - hit.at < 5000) return hit.value as Promise<T>;
    const value = load();
    memo.set(key, { at: Date.now(), value });
    value.catch(() => memo.delete(key));
    return value;
  };
  const directory = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'listServers') return () => remembered('servers', () => target.listServers());
      if (property === 'listAdmins') return () => remembered('admins', () => target.listAdmins());
      if (property === 'close') return async () => {};
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { directory, close: () => inner.close() };
}

/** What a console needs to reach such a fleet (also from another process: it is plain JSON). */
export type InProcessFleetAccess = Pick<
  InProcessFleet,
  'directoryUrl' | 'baseDn' | 'adminBindDn' | 'adminPassword' | 'adminPrivateKey'
>;

/** The access part of `fleet`, to hand to a console in another process. */
export function accessOf(fleet: InProcessFleet): InProcessFleetAccess {
  const { directoryUrl, baseDn, adminBindDn, adminPassword, adminPrivateKey } = fleet;
  return { directoryUrl, baseDn, adminBindDn, adminPassword, adminPrivateKey };
}

/** `directory` as one agent sees it when it reads no peers' keys: its own server entry only. */
function ownEntryOnly(directory: FleetDirectory, name: string): FleetDirectory {
  return new Proxy(directory, {
    get(target, property, receiver) {
      if (property === 'listServers') {
        return async () => (await target.listServers()).filter((server) => server.name === name);
      }
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * A console's FleetClient on an in-process fleet, as its admin (`subscribe`: with the 1 Hz metrics
 * streams). Stop the client, then close the directory client.
 */
export function consoleClientOf(
  fleet: InProcessFleetAccess,
  options: { subscribe: boolean; readyTimeoutMs: number },
): { client: FleetClient; directory: LdapFleetDirectory } {
  const directory = new LdapFleetDirectory({
    url: fleet.directoryUrl,
    baseDn: fleet.baseDn,
    bindDn: fleet.adminBindDn,
    bindPassword: fleet.adminPassword,
  });
  const client = new FleetClient({
    directory,
    connector: sshAgentConnector(
      { uid: 'benchadmin', privateKey: fleet.adminPrivateKey },
      { readyTimeoutMs: options.readyTimeoutMs },
    ),
    subscribe: options.subscribe,
  });
  return { client, directory };
}
