/**
 * A department (domain-tier) administrator in a lab's directory, for the delegation tests: added
 * with a password and no key, as the lab's system admin writes it with any LDAP tool.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import { adminEntry } from '../../agent/common/directory/seed-entries.js';
import { fleetProfileSchema } from '../../main/core/fleet-profile.js';
import { writeAs } from './ldap-write-as.js';

/** Where a lab's directory is and how its system admin writes to it. */
export interface LabDirectory {
  directoryUrl: string;
  baseDn: string;
  systemPassword: string;
  /** Writes as the lab's system admin (`labadmin`). */
  asSystem(change: Parameters<typeof writeAs>[3]): Promise<void>;
}

/** The directory of the lab in `home` (its fleet.json and the system admin's password file). */
export async function labDirectory(home: string): Promise<LabDirectory> {
  const profile = fleetProfileSchema.parse(JSON.parse(await readFile(join(home, 'fleet.json'), 'utf8')));
  const directoryUrl = Array.isArray(profile.directory.url)
    ? profile.directory.url[0]!
    : profile.directory.url;
  const baseDn = profile.directory.baseDn;
  const systemPassword = (await readFile(join(home, 'admin', 'labadmin.directory-password'), 'utf8')).trim();
  return {
    directoryUrl,
    baseDn,
    systemPassword,
    asSystem: (change) =>
      writeAs(directoryUrl, new FleetTree(baseDn).admin('labadmin'), systemPassword, change),
  };
}

/** Adds a department administrator of `domains` who signs in with `password`. */
export async function addDepartmentAdmin(
  directory: LabDirectory,
  admin: { uid: string; password: string; domains: string[]; displayName: string },
): Promise<void> {
  const entry = adminEntry(new FleetTree(directory.baseDn), { ...admin, tier: 'domain' });
  await directory.asSystem((client) => client.add(entry.dn, entry.attributes));
}
