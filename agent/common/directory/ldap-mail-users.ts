/**
 * Mail user entries over LDAP (`uid=<local part>,cn=<domain>,ou=domains`): searches, adds and
 * changes, the user's self-service settings, the move lock a mailbox move holds on the user
 * (move-state.ts), and the user's password (set by Password Modify so the server hashes it,
 * checked by a bind on a separate short-lived connection).
 */
import { Attribute, Change } from 'ldapts';
import { DirectoryError, DirectoryOutcomeUnknown, ldapResultCodes } from './directory-errors.js';
import { entryAttributes, toMailUserEntry } from './entry-mapping.js';
import type { FleetDirectory, MailUserInput, UserQuery } from './fleet-directory.js';
import { type MailUserEntry, splitAddress } from './fleet-entries.js';
import { idempotent, type LdapDirectoryLink, replaceValues } from './ldap-directory-link.js';
import { and, equals, type LdapFilter, or, startsWith } from './ldap-filter.js';
import {
  isMoveLockConflict,
  MoveLockConflict,
  type MoveStateChange,
  moveStateChanges,
  sameMoveState,
} from './move-state.js';
import { newUserAttributes, userChanges } from './user-changes.js';
import { selfServiceClass, selfServiceValues, type UserSelfService } from './user-self-service.js';

/** The mail-user part of {@link FleetDirectory} over LDAP. */
export class LdapMailUsers
  implements
    Pick<
      FleetDirectory,
      | 'searchUsers'
      | 'findUserByAddress'
      | 'addUser'
      | 'modifyUser'
      | 'setUserSelfService'
      | 'changeMoveState'
      | 'deleteUser'
      | 'setPassword'
      | 'verifyPassword'
    >
{
  constructor(private readonly link: LdapDirectoryLink) {}

  async searchUsers(query: UserQuery): Promise<MailUserEntry[]> {
    const parts: LdapFilter[] = [equals('objectClass', 'mailfleetMailUser')];
    if (query.text) {
      // mailLocalAddress has no substring rule in misc.schema: it matches on the whole address only.
      parts.push(
        or(
          startsWith('mail', query.text),
          startsWith('uid', query.text),
          startsWith('cn', query.text),
          equals('mailLocalAddress', query.text),
        ),
      );
    }
    if (query.mailHost) parts.push(equals('mailHost', query.mailHost));
    const base = query.domain ? this.link.tree.domain(query.domain) : this.link.tree.domains;
    try {
      const records = await this.link.search({
        what: 'a user search',
        base: base,
        scope: 'sub',
        filter: and(...parts),
        attributes: entryAttributes.user,
        limit: query.limit,
      });
      return records.map(toMailUserEntry);
    } catch (error) {
      // A domain that does not exist has no users.
      if (query.domain && error instanceof DirectoryError && error.code === ldapResultCodes.noSuchObject)
        return [];
      throw error;
    }
  }

  async findUserByAddress(address: string): Promise<MailUserEntry | undefined> {
    const filter = and(
      equals('objectClass', 'mailfleetMailUser'),
      or(equals('mail', address), equals('mailLocalAddress', address)),
    );
    const [record] = await this.link.search({
      what: `the user ${address}`,
      base: this.link.tree.domains,
      scope: 'sub',
      filter: filter,
      attributes: entryAttributes.user,
      limit: 1,
    });
    return record ? toMailUserEntry(record) : undefined;
  }

  async addUser(user: MailUserInput, password?: string): Promise<MailUserEntry> {
    const dn = this.link.tree.user(user.mail);
    const attributes = newUserAttributes(user);
    const [, domain] = splitAddress(user.mail);
    await this.link.session.write(
      `adding the user ${user.mail}`,
      (c) => c.add(dn, attributes),
      `no such mail domain ${domain}`,
    );
    // The password goes in separately, by Password Modify, so the server hashes it (slapd does not hash an add).
    if (password !== undefined) await this.setPassword(user.mail, password);
    return this.requireUser(user.mail);
  }

  async modifyUser(address: string, change: Partial<MailUserInput>): Promise<MailUserEntry> {
    const changes = userChanges(address, change);
    const dn = this.link.tree.user(address);
    if (changes.length > 0) {
      await this.link.session.write(
        `the change of user ${address}`,
        (c) => c.modify(dn, changes),
        `no such user ${address}`,
        idempotent,
      );
    }
    return this.requireUser(address);
  }

  async setUserSelfService(address: string, settings: UserSelfService): Promise<MailUserEntry> {
    const user = await this.findUserByAddress(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    // Replaces of the whole setting: sent again, they leave the same entry.
    const changes = Object.entries(selfServiceValues(settings)).map(([type, values]) =>
      replaceValues(type, values),
    );
    const what = `the self-service settings of ${user.mail}`;
    const write = (withClass: boolean) =>
      this.link.session.write(
        what,
        (c) =>
          c.modify(user.dn, [
            ...(withClass
              ? [
                  new Change({
                    operation: 'add',
                    modification: new Attribute({ type: 'objectClass', values: [selfServiceClass] }),
                  }),
                ]
              : []),
            ...changes,
          ]),
        `no such user ${address}`,
        idempotent,
      );
    try {
      await write(false);
    } catch (error) {
      // An entry made before the class existed: the class is added with the values, in one modify.
      if (!(error instanceof DirectoryError) || error.code !== ldapResultCodes.objectClassViolation)
        throw error;
      await write(true);
    }
    return this.requireUser(user.mail);
  }

  async changeMoveState(address: string, change: MoveStateChange): Promise<MailUserEntry> {
    try {
      await this.writeMoveState(address, change);
    } catch (error) {
      if (!(error instanceof DirectoryOutcomeUnknown)) throw error;
      // The answer was lost (the server stopped answering after the change was sent): read the
      // lock where it is now, on whichever server answers, before anything is sent again.
      const entry = await this.findUserByAddress(address);
      const now = entry?.moveState;
      // It landed (and reached this server): the change is done; a retry would be refused as
      // "already locked" and mistaken for another job's lock.
      if (entry && sameMoveState(now, change.to)) return entry;
      // It did not land here: sent once more, still a compare-and-set, so it can only land if the
      // lock is still the one this change expects.
      if (sameMoveState(now, change.from)) await this.writeMoveState(address, change);
      else throw new MoveLockConflict(address, now, { cause: error });
    }
    return this.requireUser(address);
  }

  /** One compare-and-set modify of the move lock; a conflict reads and names the lock in place. */
  private async writeMoveState(address: string, change: MoveStateChange): Promise<void> {
    try {
      await this.link.session.write(
        `the move lock of ${address}`,
        (c) => c.modify(this.link.tree.user(address), moveStateChanges(change)),
        `no such user ${address}`,
      );
    } catch (error) {
      if (!isMoveLockConflict(error)) throw error;
      throw new MoveLockConflict(address, (await this.findUserByAddress(address))?.moveState, {
        cause: error,
      });
    }
  }

  async deleteUser(address: string): Promise<void> {
    const dn = this.link.tree.user(address);
    await this.link.session.write(
      `deleting the user ${address}`,
      (c) => c.del(dn),
      `no such user ${address}`,
    );
  }

  async setPassword(address: string, newPassword: string): Promise<void> {
    await this.link.session.changePassword(
      this.link.tree.user(address),
      newPassword,
      `no such user ${address}`,
    );
  }

  async verifyPassword(address: string, password: string): Promise<boolean> {
    // An empty password would make a bind "unauthenticated", which some servers accept as anonymous.
    if (password === '') return false;
    let dn: string;
    try {
      dn = this.link.tree.user(address);
    } catch {
      return false;
    }
    return this.link.session.checkPassword(dn, password, `the password check of ${address}`);
  }

  private async requireUser(address: string): Promise<MailUserEntry> {
    const user = await this.findUserByAddress(address);
    if (!user) throw new DirectoryError(`no such user ${address}`, ldapResultCodes.noSuchObject);
    return user;
  }
}
