/**
 * Aliases (`mailfleetMailAlias`: an address forwarding to others) and groups (`mailfleetMailGroup`:
 * an address whose members are user DNs) of a domain, as the director's recipient router reads them
 * (agent/mail/director/recipient-router.ts). Members are given and shown as addresses; the
 * directory holds the users' DNs.
 */
import { DirectoryError, ldapResultCodes } from '../../../agent/directory/directory-errors.js';
import type { FleetDirectory } from '../../../agent/directory/fleet-directory.js';
import type { MailGroupEntry, MailUserEntry } from '../../../agent/directory/fleet-entries.js';
import { addressHolder } from './address-holder.js';
import type {
  AliasWrite,
  GroupMembersWrite,
  MailAlias,
  MailGroup,
  NewGroup,
} from './directory-admin-contract.js';
import { refuse } from './directory-admin-errors.js';
import type { UserIndex } from './user-index.js';

/** Reads and writes a domain's aliases and groups. */
export class MailListAdmin {
  constructor(
    private readonly directory: FleetDirectory,
    private readonly index: UserIndex,
    private readonly requireUser: (address: string) => Promise<MailUserEntry>,
  ) {}

  /** The domain's aliases, by address. */
  async aliases(domain: string): Promise<MailAlias[]> {
    return (await this.directory.listAliases(domain)).map((a) => ({
      address: a.mail.toLowerCase(),
      forwardTo: a.forwardTo,
    }));
  }

  /** Adds an alias; its address must not be a user's. */
  async addAlias(alias: AliasWrite): Promise<MailAlias> {
    const holder = await addressHolder(this.directory, alias.address);
    if (holder) refuse('already-exists', `${alias.address} is already used by ${holder}`, 'address');
    const added = await this.directory.addAlias({ mail: alias.address, forwardTo: alias.forwardTo });
    return { address: added.mail.toLowerCase(), forwardTo: added.forwardTo };
  }

  /** Replaces an alias's targets. */
  async setAliasTargets(alias: AliasWrite): Promise<MailAlias> {
    const changed = await this.directory.setAliasTargets(alias.address, alias.forwardTo);
    return { address: changed.mail.toLowerCase(), forwardTo: changed.forwardTo };
  }

  /** Deletes an alias. */
  async deleteAlias(address: string): Promise<{ deleted: true }> {
    await this.directory.deleteAlias(address);
    return { deleted: true };
  }

  /** The domain's groups, members by address where the index knows the DN. */
  async groups(domain: string): Promise<MailGroup[]> {
    await this.index.ensureLoaded();
    return (await this.directory.listGroups(domain)).map((g) => this.group(domain, g));
  }

  /** Adds a group; its address must be in its domain, its members existing users. */
  async addGroup(group: NewGroup): Promise<MailGroup> {
    if (!group.address.endsWith(`@${group.domain}`)) {
      refuse('invalid-input', `the group's address must be in ${group.domain}`, 'address');
    }
    const holder = await addressHolder(this.directory, group.address);
    if (holder) refuse('already-exists', `${group.address} is already used by ${holder}`, 'address');
    const memberDns = await this.memberDns(group.members);
    const added = await this.directory.addGroup({
      name: group.name,
      domain: group.domain,
      mail: group.address,
      memberDns,
    });
    return this.group(group.domain, added);
  }

  /** Replaces a group's members. */
  async setGroupMembers(group: GroupMembersWrite): Promise<MailGroup> {
    const memberDns = await this.memberDns(group.members);
    return this.group(
      group.domain,
      await this.directory.setGroupMembers(group.domain, group.name, memberDns),
    );
  }

  /** Deletes a group. */
  async deleteGroup(group: { domain: string; name: string }): Promise<{ deleted: true }> {
    await this.directory.deleteGroup(group.domain, group.name);
    return { deleted: true };
  }

  private group(domain: string, entry: MailGroupEntry): MailGroup {
    return {
      domain,
      name: entry.name,
      address: entry.mail.toLowerCase(),
      members: entry.memberDns.map((dn) => ({ dn, address: this.index.addressOfDn(dn) ?? null })),
    };
  }

  private async memberDns(addresses: string[]): Promise<string[]> {
    const dns: string[] = [];
    for (const [i, address] of addresses.entries()) {
      // The index knows 40,000 users; the directory is asked only about an address it does not know.
      const known = this.index.get(address);
      if (known) {
        dns.push(known.dn);
        continue;
      }
      const user = await this.requireUser(address).catch((error: unknown) => {
        if (error instanceof DirectoryError && error.code === ldapResultCodes.noSuchObject) {
          refuse('not-found', `no such user ${address}`, `members.${i}`);
        }
        throw error;
      });
      dns.push(user.dn);
    }
    return dns;
  }
}
