/**
 * Opens a fleet from its profile: the directory client bound as the admin, the admin's SSH key, and a
 * FleetClient over both. Shared by the CLI and (later) the Electron main process and browser mode.
 */
import { readFile } from 'node:fs/promises';
import type { FleetDirectory } from '../../agent/directory/fleet-directory.js';
import { LdapFleetDirectory } from '../../agent/directory/ldap-fleet-directory.js';
import { sshAgentConnector } from './agent-connector.js';
import { FleetClient } from './fleet-client.js';
import type { FleetProfile } from './fleet-profile.js';
import { KnownNodesFile } from './known-nodes.js';

/** An open fleet: close it when done. */
export interface OpenFleet {
  profile: FleetProfile;
  directory: FleetDirectory;
  fleet: FleetClient;
  close(): Promise<void>;
}

/** Connects to the directory and starts links to every node it lists. */
export async function openFleet(profile: FleetProfile, options: { subscribe: boolean }): Promise<OpenFleet> {
  let privateKey: string;
  try {
    privateKey = await readFile(profile.admin.privateKeyFile, 'utf8');
  } catch {
    throw new Error(`cannot read the admin key ${profile.admin.privateKeyFile}`);
  }
  const directory = new LdapFleetDirectory(profile.directory);
  const fleet = new FleetClient({
    directory,
    connector: sshAgentConnector({ uid: profile.admin.uid, privateKey }),
    subscribe: options.subscribe,
    knownNodes: new KnownNodesFile(profile.path.replace(/(\.json)?$/, '.known-nodes.json')),
  });
  try {
    await fleet.start();
  } catch (error) {
    fleet.stop();
    await directory.close().catch(() => {});
    throw error;
  }
  return {
    profile,
    directory,
    fleet,
    close: async () => {
      fleet.stop();
      await directory.close().catch(() => {});
    },
  };
}
