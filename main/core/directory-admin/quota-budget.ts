/**
 * The department's quota budget (`mailfleetDomainQuota`, docs/delegation.md) checked by the
 * console core before it writes a user's quota, so the person reads the numbers in words and the
 * directory is not asked. The embedded directory checks the same rule again in its write path
 * (agent/directory/embedded/domain-quota-budget.ts); slapd has no way to sum quotas, so with slapd
 * this is the check (docs/delegation.md says what that leaves open).
 */
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import { refuse } from './directory-admin-errors.js';

/** A quota write to check: the user's domain, the user (absent for a new one) and the quota given. */
export interface QuotaWrite {
  domain: string;
  /** The user's primary address, when it exists already. */
  user?: string;
  /** The quota written; null or 0 means the domain's default. */
  quotaBytes: number | null;
}

/** Refuses (`quota-over-budget`, in words) a quota that takes the domain's users over its budget. */
export async function checkQuotaBudget(directory: FleetDirectory, write: QuotaWrite): Promise<void> {
  const domain = (await directory.listDomains()).find((d) => d.name === write.domain.toLowerCase());
  const budget = domain?.quotaBudgetBytes;
  if (domain === undefined || budget === undefined) return;
  const defaultQuota = domain.defaultQuotaBytes ?? 0;
  const quotaOf = (own: number | null | undefined) => (own && own > 0 ? own : defaultQuota);
  const users = await directory.searchUsers({ domain: domain.name });
  const self = write.user?.toLowerCase();
  const before = users.find((u) => u.mail.toLowerCase() === self);
  const wanted = quotaOf(write.quotaBytes);
  // Giving less (or the same) is always allowed, even to a domain already over a lowered budget.
  if (before && wanted <= quotaOf(before.quotaBytes)) return;
  const others = users
    .filter((u) => u.mail.toLowerCase() !== self)
    .reduce((sum, u) => sum + quotaOf(u.quotaBytes), 0);
  if (others + wanted <= budget) return;
  refuse(
    'quota-over-budget',
    `${domain.name}: its users' quotas would total ${mebibytes(others + wanted)}, over its budget of ${mebibytes(budget)} (${mebibytes(Math.max(0, budget - others))} left for this user)`,
    'quotaBytes',
  );
}

function mebibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024 ** 2).toLocaleString('en')} MiB`;
}
