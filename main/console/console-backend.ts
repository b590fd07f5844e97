/**
 * What a transport (the browser-mode web bridge, the Electron IPC) talks to: a console service on a
 * fleet opened with the profile's key, or a password console (password-console.ts) that starts on
 * the sign-in page and runs a console service on the signed-in admin's fleet.
 */
import type { FleetDirectory } from '../../agent/common/directory/fleet-directory.js';
import { DirectoryAdmin } from '../core/directory-admin/directory-admin.js';
import type { FleetClient } from '../core/fleet-client.js';
import type { ConsoleCallName, ConsoleCallResult, ConsoleLocale } from './console-contract.js';
import type { ConsoleFleetSnapshot } from './console-fleet-snapshot.js';
import {
  type ConsoleService,
  type ConsoleServiceOptions,
  ConsoleService as Service,
} from './console-service.js';
import type { ConsoleSettingsStore } from './console-settings.js';

/** The part of a console service a transport uses. */
export interface ConsoleBackend {
  readonly events: ConsoleService['events'];
  snapshot(): ConsoleFleetSnapshot;
  run<C extends ConsoleCallName>(name: C, params: never): Promise<ConsoleCallResult<C>>;
}

/**
 * A console service on an open fleet whose directory client is bound as the admin's own entry:
 * the directory's access rules decide what it may read and change.
 */
export function consoleServiceOn(options: {
  fleet: FleetClient;
  directory: FleetDirectory;
  adminUid: string;
  settings: ConsoleSettingsStore;
  systemLocale: ConsoleLocale;
  nodes?: ConsoleServiceOptions['nodes'];
}): ConsoleService {
  const { fleet, directory, adminUid } = options;
  return new Service({
    fleet,
    settings: options.settings,
    systemLocale: options.systemLocale,
    directory: { admin: new DirectoryAdmin({ directory }), directory },
    moves: { fleet, directory },
    failover: { fleet, directory, adminUid },
    ...(options.nodes ? { nodes: options.nodes } : {}),
  });
}
