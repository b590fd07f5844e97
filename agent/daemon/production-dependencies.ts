/**
 * The real parts an agent process is built with: the LDAP directory client and the embedded LDAP
 * server. Kept apart from Agent so tests and the bench can pass their own clock or log sink while
 * using the same directory code.
 */
import type { DirectoryConnection, FleetDirectory } from '../directory/fleet-directory.js';
import type { AgentDependencies } from './agent.js';

interface LdapFleetDirectoryModule {
  LdapFleetDirectory: new (connection: DirectoryConnection) => FleetDirectory;
}

// The directory client is written alongside this module; loading it by name keeps the agent
// buildable while it lands. TODO(agent): import it statically once ldap-fleet-directory.ts exists.
const ldapFleetDirectoryModule = '../directory/ldap-fleet-directory.js';

/** Dependencies of an agent process: LdapFleetDirectory. */
export function productionDependencies(version: string): AgentDependencies {
  return {
    version,
    directoryFactory: async (connection) => {
      const { LdapFleetDirectory } = (await import(ldapFleetDirectoryModule)) as LdapFleetDirectoryModule;
      return new LdapFleetDirectory(connection);
    },
  };
}
