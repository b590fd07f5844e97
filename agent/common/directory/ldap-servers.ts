/**
 * Server entries over LDAP: one per node (`cn=<node>,ou=servers`), with its role, state, address,
 * control port, pinned host keys and published endpoints. Each node binds as its own entry.
 */
import { randomBytes } from 'node:crypto';
import type { Change } from 'ldapts';
import { DirectoryError } from './directory-errors.js';
import { serverKind } from './entry-kinds.js';
import type { FleetDirectory, NewServer } from './fleet-directory.js';
import type { ServerEntry } from './fleet-entries.js';
import { byName, idempotent, type LdapDirectoryLink, replaceValues } from './ldap-directory-link.js';
import { endpointValues, serverEntry } from './seed-entries.js';

/** The server-entry part of {@link FleetDirectory} over LDAP. */
export class LdapServers
  implements Pick<FleetDirectory, 'listServers' | 'getServer' | 'updateServer' | 'addServer' | 'deleteServer'>
{
  constructor(private readonly link: LdapDirectoryLink) {}

  async listServers(): Promise<ServerEntry[]> {
    return (await this.link.list(serverKind, this.link.tree.servers)).sort(byName);
  }

  async getServer(name: string): Promise<ServerEntry | undefined> {
    return this.link.one(serverKind, this.link.tree.servers, name);
  }

  async updateServer(name: string, change: Parameters<FleetDirectory['updateServer']>[1]): Promise<void> {
    const changes: Change[] = [];
    const replace = (type: string, values: string[]) => changes.push(replaceValues(type, values));
    if (change.role !== undefined) replace('mailfleetRole', [change.role]);
    if (change.state !== undefined) replace('mailfleetNodeState', [change.state]);
    if (change.hostKeys !== undefined) replace('sshPublicKey', change.hostKeys);
    if (change.endpoints !== undefined) replace('mailfleetEndpoint', endpointValues(change.endpoints));
    if (change.address !== undefined) replace('mailfleetAddress', [change.address]);
    if (change.controlPort !== undefined) replace('mailfleetControlPort', [String(change.controlPort)]);
    if (changes.length === 0) return;
    const dn = this.link.tree.server(name);
    // Replace modifications only: sending them again on another server leaves the same entry.
    await this.link.session.write(
      `the update of server ${name}`,
      (c) => c.modify(dn, changes),
      `no such server ${name}`,
      idempotent,
    );
  }

  async addServer(server: NewServer, bindPassword: string): Promise<ServerEntry> {
    // simpleSecurityObject needs a userPassword: a throwaway random one, replaced at once by
    // Password Modify so the server hashes the real one (slapd stores an added value as given).
    const { attributes } = serverEntry(this.link.tree, {
      ...server,
      password: randomBytes(32).toString('base64url'),
    });
    await this.link.session.write(`adding the server ${server.name}`, (c) =>
      c.add(this.link.tree.server(server.name), attributes),
    );
    await this.link.session.changePassword(
      this.link.tree.server(server.name),
      bindPassword,
      `no such server ${server.name}`,
    );
    const added = await this.getServer(server.name);
    if (!added) throw new DirectoryError(`the server ${server.name} was added but cannot be read back`);
    return added;
  }

  async deleteServer(name: string): Promise<void> {
    await this.link.session.write(
      `deleting the server ${name}`,
      (c) => c.del(this.link.tree.server(name)),
      `no such server ${name}`,
    );
  }
}
