/**
 * Opens a console on a fleet profile: the fleet with live 1 Hz streams, and the console service on
 * it. The Electron main process and browser mode both start here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConsoleProfile } from '../core/fleet-profile.js';
import { openFleet } from '../core/open-fleet.js';
import type { SecretVault } from '../core/secret-vault.js';
import { buildAgentPackage } from '../packaging/agent-package.js';
import { type ConsoleBackend, consoleServiceOn } from './console-backend.js';
import type { ConsoleLocale } from './console-contract.js';
import { consoleSettingsPath } from './console-paths.js';
import { ConsoleSettingsFile, type ConsoleSettingsStore } from './console-settings.js';
import { PasswordConsole } from './password-console.js';

/** An open console: close it when the window or the server goes. */
export interface OpenConsole {
  service: ConsoleBackend;
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

/**
 * Reads the profile, connects to the fleet and starts the service; or, for a profile without a
 * key or when `signIn` is asked, a console that starts on the sign-in page (docs/delegation.md).
 */
export async function openConsole(
  profilePath: string,
  options: {
    systemLocale: ConsoleLocale;
    settings?: ConsoleSettingsStore;
    vault?: SecretVault;
    /** Open on the sign-in page even if the profile has a key. */
    signIn?: boolean;
    /** Idle minutes before a password session ends (default 30). */
    idleMinutes?: number;
  },
): Promise<OpenConsole> {
  const loaded = await loadConsoleProfile(profilePath, options.signIn ?? false);
  const settings = options.settings ?? new ConsoleSettingsFile(consoleSettingsPath());
  if ('signIn' in loaded) {
    const service = new PasswordConsole({
      directory: loaded.signIn.directory,
      settings,
      systemLocale: options.systemLocale,
      ...(options.idleMinutes !== undefined ? { idleMinutes: options.idleMinutes } : {}),
    });
    return { service, close: () => service.stop() };
  }
  const profile = loaded.key;
  // No vault: plain 0600 files (browser mode); the Electron shell brings the keychain's.
  const fleet = await openFleet(profile, { subscribe: true, followMoves: true, vault: options.vault });
  const service = consoleServiceOn({
    fleet: fleet.fleet,
    directory: fleet.directory,
    adminUid: profile.admin.uid,
    settings,
    systemLocale: options.systemLocale,
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
