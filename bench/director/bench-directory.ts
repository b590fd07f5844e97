/**
 * The directory of the director bench: Debian's slapd (test/support/slapd.ts: our shipped schema from
 * build/ldap, the fleet's access rules, mdb with the address indexes), seeded with the bench's users,
 * one logical store served by the sink, and a director server entry. Both relays look recipients up
 * here and both bind as that director entry, the read-only service account a site gives its MTA,
 * so slapd's access rules are evaluated for their searches as they would be on a site.
 */
import { FleetTree } from '../../agent/common/directory/fleet-entries.js';
import type { DirectoryCredentials } from '../../agent/common/directory/ldap-fleet-directory.js';
import {
  directoryBaseEntries,
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
  serverEntry,
} from '../../agent/common/directory/seed-entries.js';
import { startSlapd } from '../../test/support/slapd.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

/** A running bench directory. */
export interface BenchDirectory {
  /** Bound as the director's server entry. */
  /** One slapd: a single URL. */
  credentials: DirectoryCredentials & { url: string };
  /** Where the mail users live (below ou=domains). */
  usersBase: string;
  stop(): Promise<void>;
}

/** Starts slapd holding `addresses` as users of `domain`, stored on the LMTP sink at `sinkPort`. */
export async function startBenchDirectory(options: {
  domain: string;
  addresses: string[];
  sinkPort: number;
}): Promise<BenchDirectory> {
  ensureSystemRequirements([
    { program: '/usr/sbin/slapd', debianPackage: 'slapd', why: "the director bench's directory" },
  ]);
  const baseDn = 'dc=mailfleet,dc=bench';
  const tree = new FleetTree(baseDn);
  const directorPassword = 'director01-secret';
  const slapd = await startSlapd(baseDn, [
    ...directoryBaseEntries(tree),
    serverEntry(tree, {
      name: 'sink01',
      role: 'store',
      address: '127.0.0.1',
      controlPort: 1,
      endpoints: { lmtp: `127.0.0.1:${options.sinkPort}` },
      password: 'sink01-secret',
    }),
    serverEntry(tree, {
      name: 'director01',
      role: 'director',
      address: '127.0.0.1',
      controlPort: 1,
      password: directorPassword,
    }),
    logicalStoreEntry(tree, { name: 'store01', servedBy: 'sink01' }),
    mailDomainEntry(tree, { name: options.domain }),
    ...options.addresses.map((mail, n) =>
      mailUserEntry(tree, { mail, displayName: `User ${n}`, mailHost: 'store01' }),
    ),
  ]);
  return {
    credentials: {
      url: slapd.url,
      baseDn,
      bindDn: tree.server('director01'),
      bindPassword: directorPassword,
    },
    usersBase: tree.domains,
    stop: () => slapd.stop(),
  };
}
