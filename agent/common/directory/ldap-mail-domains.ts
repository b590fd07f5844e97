/**
 * Mail domain entries over LDAP (`cn=<domain>,ou=domains`) and the settings a domain holds for
 * the edge: its DKIM keys (docs/edge.md) and its department's spam policy (docs/delegation.md).
 */
import { mailDomainKind } from './entry-kinds.js';
import type { FleetDirectory } from './fleet-directory.js';
import type { MailDomainEntry } from './fleet-entries.js';
import { byName, idempotent, type LdapDirectoryLink, replaceValues } from './ldap-directory-link.js';

/** The mail-domain part of {@link FleetDirectory} over LDAP. */
export class LdapMailDomains
  implements Pick<FleetDirectory, 'listDomains' | 'setDomainDkimKeys' | 'setDomainSpamPolicy'>
{
  constructor(private readonly link: LdapDirectoryLink) {}

  async listDomains(): Promise<MailDomainEntry[]> {
    return (await this.link.list(mailDomainKind, this.link.tree.domains)).sort(byName);
  }

  async setDomainDkimKeys(domain: string, values: string[]): Promise<void> {
    // A replace of the whole set: sent again on another server, it leaves the same entry.
    await this.link.session.write(
      `writing the DKIM keys of ${domain}`,
      (c) => c.modify(this.link.tree.domain(domain), [replaceValues('mailfleetDkimKey', values)]),
      `no such mail domain ${domain}`,
      idempotent,
    );
  }

  async setDomainSpamPolicy(domain: string, value: string | undefined): Promise<void> {
    await this.link.session.write(
      `writing the spam policy of ${domain}`,
      (c) =>
        c.modify(this.link.tree.domain(domain), [
          replaceValues('mailfleetSpamPolicy', value === undefined ? [] : [value]),
        ]),
      `no such mail domain ${domain}`,
      idempotent,
    );
  }
}
