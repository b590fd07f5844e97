/**
 * Aliases (`mailfleetMailAlias`: an address forwarding to others) and groups (`mailfleetMailGroup`:
 * an address whose members are user DNs) of a domain, as the director's recipient router reads them
 * (agent/mail/director/inbound/recipient-router.ts). Members are given and shown as addresses; the
 * directory holds the users' DNs.
 */
import { DirectoryError, ldapResultCodes } from '../../../agent/common/directory/directory-errors.js';
import { parseDn } from '../../../agent/common/directory/distinguished-name.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { MailGroupEntry, MailUserEntry } from '../../../agent/common/directory/fleet-entries.js';
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
    const [memberDns, hidden] = await Promise.all([this.memberDns(group.members), this.hiddenMembers(group)]);
    return this.group(
      group.domain,
      await this.directory.setGroupMembers(group.domain, group.name, [...memberDns, ...hidden]),
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

  /**
   * The group's current members in domains this login cannot read. A domain admin sees them by DN
   * only and cannot name them by address, so a replace of the members keeps them rather than
   * dropping another department's people unseen; the helpdesk reads every domain and keeps none.
   */
  private async hiddenMembers(group: { domain: string; name: string }): Promise<string[]> {
    const [groups, domains] = await Promise.all([
      this.directory.listGroups(group.domain),
      this.directory.listDomains(),
    ]);
    const readable = new Set(domains.map((d) => d.name.toLowerCase()));
    const current = groups.find((g) => g.name.toLowerCase() === group.name.toLowerCase());
    return (current?.memberDns ?? []).filter((dn) => {
      const domain = domainOfEntryDn(dn);
      return domain !== undefined && !readable.has(domain);
    });
  }

  private async memberDns(addresses: string[]): Promise<string[]> {
    const dns: string[] = [];
    for (const [i, address] of addresses.entries()) {
      // The index knows every user this login may read (all 40,000 for the helpdesk); the directory is
      // asked only about an address it does not know.
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

/** The mail domain (lower case) of an entry below `cn=<domain>,ou=domains,…`, if the DN is one. */
function domainOfEntryDn(dn: string): string | undefined {
  let rdns: ReturnType<typeof parseDn>;
  try {
    rdns = parseDn(dn);
  } catch {
    return undefined;
  }
  const at = rdns.findIndex(
    (rdn) => rdn[0]?.type.toLowerCase() === 'ou' && rdn[0].value.toLowerCase() === 'domains',
  );
  const domain = at > 1 ? rdns[at - 1]?.[0] : undefined;
  return domain?.type.toLowerCase() === 'cn' ? domain.value.toLowerCase() : undefined;
}
