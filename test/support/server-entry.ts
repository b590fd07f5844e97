/** A directory server entry for tests that drive the console's links without a directory. */
import type { ServerEntry } from '../../agent/common/directory/fleet-entries.js';

// A fixed ed25519 key: the tests that use the default script their connector and never verify it.
const fixedHostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPAuKoIxDf+4ngnIdX2Fxk4CWjSZacnmRjJXr09NG4OD x';

/** An active store on loopback with the given host keys (by default one fixed ed25519 key). */
export function storeServerEntry(name: string, hostKeys: string[] = [fixedHostKey]): ServerEntry {
  return {
    dn: `cn=${name},ou=servers,dc=x`,
    name,
    role: 'store',
    state: 'active',
    address: '127.0.0.1',
    controlPort: 1,
    hostKeys,
    endpoints: {},
  };
}
