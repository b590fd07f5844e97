/**
 * A simple bind as the embedded directory answers it: the throttle first (a DN or address that
 * must wait gets invalidCredentials, 49, and its password is not checked), then the password
 * check, then the bookkeeping (failures counted, a server entry's address noted as a fleet node).
 */
import type { DirectorySchema } from '../schema/directory-schema.js';
import type { Identity } from './access-control.js';
import type { BindThrottle } from './bind-throttle.js';
import type { FleetAddresses } from './fleet-addresses.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import type { ReadOperations } from './read-operations.js';
import { parseEntryDn } from './stored-entry.js';

/** Binds through the throttle. */
export class BindGate {
  private readonly serversKey: string;

  constructor(
    baseDn: string,
    private readonly schema: DirectorySchema,
    private readonly reads: ReadOperations,
    private readonly throttle: BindThrottle,
    private readonly fleet: FleetAddresses,
  ) {
    this.serversKey = parseEntryDn(schema, `ou=servers,${baseDn}`).key;
  }

  /** The identity on success; invalidCredentials (49) for a wrong password or while throttled. */
  bind(dn: string, password: string, address: string): Identity {
    // No password is an unauthenticated bind, refused (53) before anything is counted.
    if (password === '') return this.reads.bind(dn, password);
    const { key, parentKey } = parseEntryDn(this.schema, dn);
    if (this.throttle.waitBeforeBind(key, dn, address) > 0) {
      // The words of a wrong password: the answer must not tell a guesser that it is throttled.
      throw new LdapResultError(resultCodes.invalidCredentials, 'invalid credentials');
    }
    let identity: Identity;
    try {
      identity = this.reads.bind(dn, password);
    } catch (error) {
      if (error instanceof LdapResultError && error.code === resultCodes.invalidCredentials)
        this.throttle.failed(key, dn, address);
      throw error;
    }
    this.throttle.succeeded(key);
    if (identity.kind === 'entry' && parentKey === this.serversKey) this.fleet.noteServerBind(address);
    return identity;
  }
}
