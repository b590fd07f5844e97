/**
 * Opens a fleet from its profile: the directory client bound as the admin, the admin's SSH key, and a
 * FleetClient over both. Shared by the CLI, browser mode and the Electron main process; the secrets
 * come from a {@link SecretVault} (plain 0600 files unless the caller brings the keychain's vault).
 */
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import { LdapFleetDirectory } from '../../agent/common/directory/ldap-fleet-directory.js';
import { sshAgentConnector } from './agent-connector.js';
import { FleetClient, type FleetClientOptions } from './fleet-client.js';
import type { FleetProfile } from './fleet-profile.js';
import { KnownNodesFile } from './known-nodes.js';
import { plainSecretVault, type SecretVault } from './secret-vault.js';

/** An open fleet: close it when done. */
export interface OpenFleet {
  profile: FleetProfile;
  directory: FleetDirectory;
  fleet: FleetClient;
  close(): Promise<void>;
}

/**
 * The directory client bound as the profile's admin, without any node link: for what only the
 * directory answers (users, aliases). The directory's access rules decide what this admin may do.
 */
export async function openDirectory(
  profile: FleetProfile,
  vault: SecretVault = plainSecretVault(),
): Promise<FleetDirectory> {
  const bindPassword = await vault.read('directory-password', profile.directory.bindPasswordFile);
  const { url, baseDn, bindDn } = profile.directory;
  return LdapFleetDirectory.withPassword({ url, baseDn, bindDn, bindPassword });
}

/** Connects to the directory and starts links to every node it lists. */
export async function openFleet(
  profile: FleetProfile,
  options: { subscribe: boolean; followMoves?: boolean; vault?: SecretVault },
): Promise<OpenFleet> {
  const vault = options.vault ?? plainSecretVault();
  // Both read before anything connects, so a refused secret stops the start with its reason.
  const privateKey = await vault.read('admin-key', profile.admin.privateKeyFile);
  const directory = await openDirectory(profile, vault);
  const started = await startFleetClient(directory, {
    connector: sshAgentConnector({ uid: profile.admin.uid, privateKey }),
    subscribe: options.subscribe,
    followMoves: options.followMoves ?? false,
    knownNodes: new KnownNodesFile(profile.path.replace(/(\.json)?$/, '.known-nodes.json')),
  });
  return { profile, directory, ...started };
}

/**
 * Starts a FleetClient over a directory client already bound as the admin; if the start fails,
 * both are closed. `close` stops the links and closes the directory client.
 */
export async function startFleetClient(
  directory: FleetDirectory,
  options: Omit<FleetClientOptions, 'directory'>,
): Promise<{ fleet: FleetClient; close(): Promise<void> }> {
  const fleet = new FleetClient({ directory, ...options });
  const close = async () => {
    fleet.stop();
    await directory.close().catch(() => {});
  };
  try {
    await fleet.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { fleet, close };
}
