/**
 * Who already uses an address: a user (as primary or further address), an alias or a group. The
 * director routes an address to exactly one of them, so a second holder would make mail to it go
 * wherever the router looks first. The directory itself refuses a second holder (slapd's unique
 * overlay, the embedded directory's same rule: constraintViolation, worded by
 * directory-admin-errors.ts), whoever writes; this check comes first because it can name the
 * holder. It sees only what the login may read: a domain admin's check misses holders in other
 * departments, and then the directory's refusal is the answer.
 */
import { DirectoryError, ldapResultCodes } from '../../../agent/common/directory/directory-errors.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';

/** Who holds `address`, in words (`the user alice@x`), or undefined when it is free. */
export async function addressHolder(
  directory: Pick<FleetDirectory, 'findUserByAddress' | 'listAliases' | 'listGroups'>,
  address: string,
): Promise<string | undefined> {
  const wanted = address.toLowerCase();
  const domain = wanted.slice(wanted.lastIndexOf('@') + 1);
  const user = await directory.findUserByAddress(wanted);
  if (user) return `the user ${user.mail.toLowerCase()}`;
  // Lists of a domain that does not exist are empty; the write itself then says the domain is missing.
  const [aliases, groups] = await Promise.all([
    directory.listAliases(domain).catch(noneIfNoDomain),
    directory.listGroups(domain).catch(noneIfNoDomain),
  ]);
  if (aliases.some((a) => a.mail.toLowerCase() === wanted)) return `the alias ${wanted}`;
  const group = groups.find((g) => g.mail.toLowerCase() === wanted);
  return group ? `the group ${group.name} of ${domain}` : undefined;
}

function noneIfNoDomain(error: unknown): never[] {
  if (error instanceof DirectoryError && error.code === ldapResultCodes.noSuchObject) return [];
  throw error;
}
