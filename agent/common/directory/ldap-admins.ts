/**
 * Admin entries over LDAP (`uid=<uid>,ou=admins`): the people who sign in to the console, and the
 * check of an admin's password for a password sign-in to an agent (docs/delegation.md).
 */
import { adminKind } from './entry-kinds.js';
import type { FleetDirectory } from './fleet-directory.js';
import type { AdminEntry } from './fleet-entries.js';
import { compare, type LdapDirectoryLink } from './ldap-directory-link.js';

/** The admin part of {@link FleetDirectory} over LDAP. */
export class LdapAdmins implements Pick<FleetDirectory, 'listAdmins' | 'getAdmin' | 'verifyAdminPassword'> {
  constructor(private readonly link: LdapDirectoryLink) {}

  async listAdmins(): Promise<AdminEntry[]> {
    return (await this.link.list(adminKind, this.link.tree.admins)).sort((a, b) => compare(a.uid, b.uid));
  }

  async getAdmin(uid: string): Promise<AdminEntry | undefined> {
    return this.link.one(adminKind, this.link.tree.admins, uid);
  }

  async verifyAdminPassword(uid: string, password: string): Promise<boolean> {
    // An empty password would make a bind "unauthenticated", which some servers accept as anonymous.
    if (password === '' || uid === '') return false;
    // A bind on a separate short-lived connection, never the shared one (LdapSession.checkPassword).
    return this.link.session.checkPassword(
      this.link.tree.admin(uid),
      password,
      `the password check of admin ${uid}`,
    );
  }
}
