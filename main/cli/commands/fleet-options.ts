/** Options every fleet command shares, and opening the fleet (or only the directory) they name. */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import { chooseProfilePath, loadFleetProfile } from '../../core/fleet-profile.js';
import { type OpenFleet, openDirectory, openFleet } from '../../core/open-fleet.js';

/** Loads the profile from --fleet / MAILFLEET_FLEET / the default lab and opens the fleet. */
export async function openFleetFromFlag(
  fleetFlag: string | undefined,
  subscribe: boolean,
): Promise<OpenFleet> {
  const profile = await loadFleetProfile(chooseProfilePath(fleetFlag));
  return openFleet(profile, { subscribe });
}

/** Runs `body` with the directory of the profile named by --fleet, bound as its admin, then closes it. */
export async function withDirectory<T>(
  fleetFlag: string | undefined,
  body: (directory: FleetDirectory) => Promise<T>,
): Promise<T> {
  const directory = await openDirectory(await loadFleetProfile(chooseProfilePath(fleetFlag)));
  try {
    return await body(directory);
  } finally {
    await directory.close().catch(() => {});
  }
}

/** Runs `body` on the fleet named by --fleet once every node has answered or timed out, then closes it. */
export async function withFleet<T>(
  fleetFlag: string | undefined,
  body: (open: OpenFleet) => Promise<T>,
): Promise<T> {
  const open = await openFleetFromFlag(fleetFlag, false);
  try {
    await open.fleet.settled(answerTimeoutMs);
    return await body(open);
  } finally {
    await open.close();
  }
}

/** How long a one-shot command waits for nodes to answer before calling them down. */
export const answerTimeoutMs = 4000;
