/** Options every fleet command shares, and opening the fleet they name. */
import { chooseProfilePath, loadFleetProfile } from '../../core/fleet-profile.js';
import { type OpenFleet, openFleet } from '../../core/open-fleet.js';

/** Loads the profile from --fleet / MAILFLEET_FLEET / the default lab and opens the fleet. */
export async function openFleetFromFlag(
  fleetFlag: string | undefined,
  subscribe: boolean,
): Promise<OpenFleet> {
  const profile = await loadFleetProfile(chooseProfilePath(fleetFlag));
  return openFleet(profile, { subscribe });
}

/** How long a one-shot command waits for nodes to answer before calling them down. */
export const answerTimeoutMs = 4000;
