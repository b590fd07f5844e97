/**
 * Opens a console on a fleet profile: the fleet with live 1 Hz streams, and the console service on
 * it. The Electron main process and browser mode both start here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DirectoryAdmin } from '../core/directory-admin/directory-admin.js';
import { loadFleetProfile } from '../core/fleet-profile.js';
import { openFleet } from '../core/open-fleet.js';
import type { SecretVault } from '../core/secret-vault.js';
import { buildAgentPackage } from '../packaging/agent-package.js';
import type { ConsoleLocale } from './console-contract.js';
import { consoleSettingsPath } from './console-paths.js';
import { ConsoleService } from './console-service.js';
import { ConsoleSettingsFile, type ConsoleSettingsStore } from './console-settings.js';

/** An open console: close it when the window or the server goes. */
export interface OpenConsole {
  service: ConsoleService;
  close(): Promise<void>;
}

/**
 * The agent's .deb for "Add node": built on first use from this installation (dist/ is beside
 * main/), shared by every later call, into a private temporary directory.
 */
function agentPackageOnce(): () => Promise<string> {
  let built: Promise<string> | undefined;
  return () => {
    built ??= (async () => {
      const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
      const dir = await mkdtemp(join(tmpdir(), 'mailfleet-console-package-'));
      return (await buildAgentPackage(root, dir)).file;
    })();
    // A failed build is tried again at the next call.
    built.catch(() => {
      built = undefined;
    });
    return built;
  };
}

/** Reads the profile, connects to the fleet and starts the service. */
export async function openConsole(
  profilePath: string,
  options: { systemLocale: ConsoleLocale; settings?: ConsoleSettingsStore; vault?: SecretVault },
): Promise<OpenConsole> {
  const profile = await loadFleetProfile(profilePath);
  // No vault: plain 0600 files (browser mode); the Electron shell brings the keychain's.
  const fleet = await openFleet(profile, { subscribe: true, followMoves: true, vault: options.vault });
  const service = new ConsoleService({
    fleet: fleet.fleet,
    settings: options.settings ?? new ConsoleSettingsFile(consoleSettingsPath()),
    systemLocale: options.systemLocale,
    // Bound as the admin's own directory entry: the directory's access rules decide what it may
    // change. It shares the fleet's client, which fleet.close() closes.
    directory: { admin: new DirectoryAdmin({ directory: fleet.directory }), directory: fleet.directory },
    moves: { fleet: fleet.fleet, directory: fleet.directory },
    failover: { fleet: fleet.fleet, directory: fleet.directory, adminUid: profile.admin.uid },
    nodes: {
      fleet: fleet.fleet,
      directory: fleet.directory,
      adminUid: profile.admin.uid,
      directoryUrl: profile.directory.url,
      baseDn: profile.directory.baseDn,
      packageFile: agentPackageOnce(),
    },
  });
  service.start();
  return {
    service,
    close: async () => {
      service.stop();
      await fleet.close();
    },
  };
}
