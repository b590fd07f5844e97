/** A directory server entry for tests that drive the console's links without a directory. */
import type { ServerEntry } from '../../agent/directory/fleet-entries.js';

/** An active store on loopback, pinned to a fixed ed25519 key (the connector is scripted). */
export function storeServerEntry(name: string): ServerEntry {
  return {
    dn: `cn=${name},ou=servers,dc=x`,
    name,
    role: 'store',
    state: 'active',
    address: '127.0.0.1',
    controlPort: 1,
    hostKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPAuKoIxDf+4ngnIdX2Fxk4CWjSZacnmRjJXr09NG4OD x'],
    endpoints: {},
  };
}
