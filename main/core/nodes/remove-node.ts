/**
 * Removes a node from the fleet (`mailfleet node remove`): refused, in words that say what to do
 * first, while the node serves mail (a logical store with mailboxes, a replica, the only director
 * or gateway, the directory itself). Otherwise it stops and uninstalls the agent through OpenSSH
 * (when told the host) and deletes the node's server entry and its emptied logical store.
 */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import { nodeLayout, uninstallScript } from './node-install-script.js';
import { mustRunOverSsh, type OpenSshTarget } from './openssh-host.js';

/** Why a node cannot be removed yet, each reason with what to do about it. */
export class NodeRemovalRefused extends Error {
  constructor(
    readonly node: string,
    readonly reasons: string[],
  ) {
    super(`${node} still serves mail, so it stays:\n${reasons.map((reason) => `  - ${reason}`).join('\n')}`);
    this.name = 'NodeRemovalRefused';
  }
}

/** The reasons `name` cannot be removed now (empty: it can). Throws if there is no such node. */
export async function removalBlockers(directory: FleetDirectory, name: string): Promise<string[]> {
  const server = await directory.getServer(name);
  if (!server) throw new Error(`no node named ${name} in the directory`);
  const reasons: string[] = [];
  if (server.role === 'directory')
    reasons.push(`${name} is the directory node: every node reads the fleet from it`);
  if (server.role === 'director' || server.role === 'gateway') {
    const same = (await directory.listServers()).filter((s) => s.role === server.role && s.name !== name);
    if (same.length === 0)
      reasons.push(`${name} is the fleet's only ${server.role}: add another ${server.role} first`);
  }
  for (const store of await directory.listLogicalStores()) {
    if (store.servedBy === name) {
      const users = (await directory.searchUsers({ mailHost: store.name })).length;
      if (users > 0) {
        reasons.push(
          `it serves the logical store ${store.name}, which holds ${users} mailbox${users === 1 ? '' : 'es'}: ` +
            `move them to other stores (mailfleet drain ${store.name}) or fail the store over (mailfleet failover ${store.name}) first`,
        );
      }
    }
    if (store.replicaNode === name) {
      reasons.push(
        `it holds the replica of ${store.name}: place it on another node first (mailfleet replicas place ${store.name} --on NODE)`,
      );
    }
  }
  return reasons;
}

/** What to remove and from where. */
export interface RemoveNodeRequest {
  name: string;
  /** `[user@]host`: stop and uninstall the agent there through ssh; absent: directory entries only. */
  host?: string;
  /** The prefix the node was installed under (`node add --prefix`). */
  prefix?: string;
  sshConfigFile?: string;
}

/** What was removed. */
export interface RemovedNode {
  name: string;
  uninstalledFrom?: string;
  logicalStoresRemoved: string[];
}

/** Removes the node, or throws {@link NodeRemovalRefused}. */
export async function removeNode(
  request: RemoveNodeRequest,
  directory: FleetDirectory,
  progress: (line: string) => void = () => {},
): Promise<RemovedNode> {
  const reasons = await removalBlockers(directory, request.name);
  if (reasons.length > 0) throw new NodeRemovalRefused(request.name, reasons);
  if (request.host) {
    const target: OpenSshTarget = {
      destination: request.host,
      ...(request.sshConfigFile ? { configFile: request.sshConfigFile } : {}),
    };
    progress(`stopping and uninstalling the agent on ${request.host}`);
    const sudo = request.prefix === undefined ? 'sudo -n ' : '';
    await mustRunOverSsh(
      target,
      `uninstalling on ${request.host} failed`,
      `${sudo}sh -s`,
      uninstallScript(nodeLayout(request.prefix)),
    );
  }
  const logicalStoresRemoved: string[] = [];
  for (const store of await directory.listLogicalStores()) {
    if (store.servedBy !== request.name) continue;
    progress(`deleting the logical store ${store.name} (no mailboxes)`);
    await directory.deleteLogicalStore(store.name);
    logicalStoresRemoved.push(store.name);
  }
  progress(`deleting the server entry of ${request.name}`);
  await directory.deleteServer(request.name);
  return {
    name: request.name,
    ...(request.host ? { uninstalledFrom: request.host } : {}),
    logicalStoresRemoved,
  };
}
