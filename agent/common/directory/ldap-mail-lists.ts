/**
 * Aliases and groups over LDAP, the mail lists of a domain: an alias
 * (`cn=<address>,cn=<domain>,ou=domains`) forwards to one or more addresses, a group
 * (`cn=<name>,cn=<domain>,ou=domains`) names member users by DN.
 */
import { DirectoryError, ldapResultCodes } from './directory-errors.js';
import { mailAliasKind, mailGroupKind } from './entry-kinds.js';
import type { FleetDirectory, MailAliasInput, MailGroupInput } from './fleet-directory.js';
import { type MailAliasEntry, type MailGroupEntry, splitAddress } from './fleet-entries.js';
import { byName, compare, idempotent, type LdapDirectoryLink, replaceValues } from './ldap-directory-link.js';
import { mailAliasEntry, mailGroupEntry } from './seed-entries.js';

/** The alias and group part of {@link FleetDirectory} over LDAP. */
export class LdapMailLists
  implements
    Pick<
      FleetDirectory,
      | 'listAliases'
      | 'listGroups'
      | 'addAlias'
      | 'setAliasTargets'
      | 'deleteAlias'
      | 'addGroup'
      | 'setGroupMembers'
      | 'deleteGroup'
    >
{
  constructor(private readonly link: LdapDirectoryLink) {}

  async listAliases(domain: string): Promise<MailAliasEntry[]> {
    return (await this.link.list(mailAliasKind, this.link.tree.domain(domain))).sort((a, b) =>
      compare(a.mail, b.mail),
    );
  }

  async listGroups(domain: string): Promise<MailGroupEntry[]> {
    return (await this.link.list(mailGroupKind, this.link.tree.domain(domain))).sort(byName);
  }

  async addAlias(alias: MailAliasInput): Promise<MailAliasEntry> {
    const entry = mailAliasEntry(this.link.tree, alias);
    const [, domain] = splitAddress(alias.mail);
    await this.link.session.write(
      `adding the alias ${alias.mail}`,
      (c) => c.add(entry.dn, entry.attributes),
      `no such mail domain ${domain}`,
    );
    return this.requireAlias(alias.mail);
  }

  async setAliasTargets(mail: string, forwardTo: string[]): Promise<MailAliasEntry> {
    const change = replaceValues('mailfleetForwardTo', forwardTo);
    await this.link.session.write(
      `the change of alias ${mail}`,
      (c) => c.modify(this.link.tree.alias(mail), change),
      `no such alias ${mail}`,
      idempotent,
    );
    return this.requireAlias(mail);
  }

  async deleteAlias(mail: string): Promise<void> {
    const dn = this.link.tree.alias(mail);
    await this.link.session.write(`deleting the alias ${mail}`, (c) => c.del(dn), `no such alias ${mail}`);
  }

  async addGroup(group: MailGroupInput): Promise<MailGroupEntry> {
    const entry = mailGroupEntry(this.link.tree, group);
    await this.link.session.write(
      `adding the group ${group.name} of ${group.domain}`,
      (c) => c.add(entry.dn, entry.attributes),
      `no such mail domain ${group.domain}`,
    );
    return this.requireGroup(group.domain, group.name);
  }

  async setGroupMembers(domain: string, name: string, memberDns: string[]): Promise<MailGroupEntry> {
    const change = replaceValues('member', memberDns);
    await this.link.session.write(
      `the change of group ${name} of ${domain}`,
      (c) => c.modify(this.link.tree.group(name, domain), change),
      `no such group ${name} in ${domain}`,
      idempotent,
    );
    return this.requireGroup(domain, name);
  }

  async deleteGroup(domain: string, name: string): Promise<void> {
    const dn = this.link.tree.group(name, domain);
    await this.link.session.write(
      `deleting the group ${name} of ${domain}`,
      (c) => c.del(dn),
      `no such group ${name} in ${domain}`,
    );
  }

  private async requireAlias(mail: string): Promise<MailAliasEntry> {
    const [, domain] = splitAddress(mail);
    const alias = await this.link.one(mailAliasKind, this.link.tree.domain(domain), mail);
    if (!alias) throw new DirectoryError(`no such alias ${mail}`, ldapResultCodes.noSuchObject);
    return alias;
  }

  private async requireGroup(domain: string, name: string): Promise<MailGroupEntry> {
    const group = await this.link.one(mailGroupKind, this.link.tree.domain(domain), name);
    if (!group) throw new DirectoryError(`no such group ${name} in ${domain}`, ldapResultCodes.noSuchObject);
    return group;
  }
}
