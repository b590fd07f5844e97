/**
 * A department's quota budget (`mailfleetDomainQuota` on its mail domain entry, issue 15): the
 * quotas of the users below the domain may total at most the budget, whoever writes. A user
 * without a quota of its own (absent or 0) counts the domain's default (`mailfleetDefaultQuota`),
 * which is what the store gives it.
 *
 * Only a write that raises a user's quota (an add counts from nothing) is measured: a budget a
 * system admin lowered below what is given already does not block renaming a user or changing its
 * display name, only giving more. The refusal is constraintViolation (19), as for the other rules
 * of the directory, with the numbers in words; the console shows it in English and Japanese
 * (main/core/directory-admin/directory-admin-errors.ts).
 */
import type { EntryIndex } from './entry-index.js';
import { LdapResultError, resultCodes } from './ldap-result-error.js';
import type { StoredEntry } from './stored-entry.js';

/** Refuses a user quota that would take its domain over the budget. */
export class DomainQuotaBudget {
  constructor(private readonly entries: EntryIndex) {}

  /**
   * Throws constraintViolation (19) when `next` (an added or modified entry; `before` is what it
   * replaces) raises a mail user's quota and the users of its domain would then total more than the
   * domain's budget. Entries that are not mail users directly below a domain with a budget pass.
   */
  check(next: StoredEntry, before?: StoredEntry): void {
    if (!isMailUser(next) || next.parentKey === undefined) return;
    const domain = this.entries.get(next.parentKey);
    if (!domain || !hasClass(domain, 'mailfleetmaildomain')) return;
    const budget = integerOf(domain, 'mailfleetdomainquota');
    if (budget === undefined) return;
    const defaultQuota = integerOf(domain, 'mailfleetdefaultquota') ?? 0;
    const quotaOf = (entry: StoredEntry): number => {
      const own = integerOf(entry, 'mailfleetquota') ?? 0;
      return own > 0 ? own : defaultQuota;
    };
    const raised = quotaOf(next) - (before && isMailUser(before) ? quotaOf(before) : 0);
    if (raised <= 0) return;
    let total = 0;
    for (const key of this.entries.children(next.parentKey)) {
      if (key === next.key) continue;
      const user = this.entries.get(key);
      if (user && isMailUser(user)) total += quotaOf(user);
    }
    total += quotaOf(next);
    if (total <= budget) return;
    const name = domain.rdn[0]?.value ?? domain.dn;
    const left = Math.max(0, budget - (total - quotaOf(next)));
    throw new LdapResultError(
      resultCodes.constraintViolation,
      `quota budget of ${name} exceeded: its users' quotas would total ${total} bytes, over its budget of ${budget} bytes (${left} bytes left for this user)`,
    );
  }
}

function hasClass(entry: StoredEntry, objectClass: string): boolean {
  return (entry.attributes.get('objectclass')?.values ?? []).some((v) => v.toLowerCase() === objectClass);
}

function isMailUser(entry: StoredEntry): boolean {
  return hasClass(entry, 'mailfleetmailuser');
}

function integerOf(entry: StoredEntry, attribute: string): number | undefined {
  const value = entry.attributes.get(attribute)?.values[0];
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}
