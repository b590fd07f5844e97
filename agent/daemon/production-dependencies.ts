/**
 * The real parts an agent process is built with: the LDAP directory client and the embedded LDAP
 * server. Kept apart from Agent so tests and the bench can add their own clock or log sink while
 * using the same directory code.
 */

import { LdapFleetDirectory } from '../common/directory/ldap-fleet-directory.js';
import { directoryGuardLog } from '../directory/embedded/directory-guard-log.js';
import type { AgentDependencies } from './agent.js';
import type { EmbeddedDirectoryStarter } from './agent-runtime.js';

/** Starts the embedded LDAP server of the `directory` node. */
export const startEmbeddedDirectory: EmbeddedDirectoryStarter = async (
  options,
  logger,
  clock,
  recordChange,
) => {
  const idle = options.idleTimeoutSeconds;
  // Loaded here, not at the top: the LDAP server (ldapjs and the directory's indexes) costs every
  // agent ~0.1 s of CPU to load, and only the directory node runs it (lab up starts 39 at once).
  const { EmbeddedDirectoryServer } = await import('../directory/embedded/embedded-directory-server.js');
  const server = new EmbeddedDirectoryServer({
    dataDir: options.dataDir,
    baseDn: options.baseDn,
    host: options.host,
    port: options.port,
    clock,
    exemptAddresses: options.exemptAddresses ?? [],
    connectionLimits: {
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      ...(options.maxConnectionsPerAddress === undefined
        ? {}
        : { maxConnectionsPerAddress: options.maxConnectionsPerAddress }),
      ...(idle === undefined ? {} : { idleTimeoutMs: idle * 1000 }),
    },
    onGuardEvent: directoryGuardLog(logger, clock),
    ...(recordChange ? { recordChange } : {}),
  });
  await server.start();
  return {
    detail: `listening on ${server.url}`,
    stop: () => server.stop(),
    lockouts: () => server.lockouts(),
    unlock: (kind, key) => server.unlock(kind, key),
    guardFigures: () => server.guardFigures(),
  };
};

/** Dependencies of an agent process: LdapFleetDirectory and the embedded directory server. */
export function productionDependencies(overrides: Partial<AgentDependencies> = {}): AgentDependencies {
  return {
    directoryFactory: (connection, options) => new LdapFleetDirectory(connection, options),
    embeddedDirectory: startEmbeddedDirectory,
    ...overrides,
  };
}
