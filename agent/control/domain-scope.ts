/**
 * Delegated administration on the agent: a `domain` admin sees and acts on users of their own
 * domains only (their admin entry's `mailfleetAdminDomain`, read from the directory at each call so
 * a revoked delegation takes effect at once). Staff and peers are not limited.
 */
import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { Caller } from './caller-key-cache.js';
import { MethodError } from './method-handler.js';

/** Delegated domains of an admin (lower case); empty if none or unknown. */
export type AdminDomains = (uid: string) => Promise<string[]>;

/** The domains a caller is limited to, or undefined for no limit. */
export async function callerDomains(
  caller: Caller,
  adminDomains: AdminDomains,
): Promise<Set<string> | undefined> {
  return caller.kind === 'domain' ? new Set(await adminDomains(caller.id)) : undefined;
}

/** Why the caller may not act on `user` (a domain admin and another department's user), or undefined. */
export async function userOutOfScope(
  caller: Caller,
  user: string,
  adminDomains: AdminDomains,
): Promise<string | undefined> {
  const domains = await callerDomains(caller, adminDomains);
  if (!domains || domains.has(domainOf(user))) return undefined;
  return `domain admin ${caller.id} may not act on ${user}: ${domainOf(user)} is not one of their domains`;
}

/** Why the caller may not act on a mail domain (a domain admin and another department's), or undefined. */
export async function mailDomainOutOfScope(
  caller: Caller,
  domain: string,
  adminDomains: AdminDomains,
): Promise<string | undefined> {
  const domains = await callerDomains(caller, adminDomains);
  if (!domains || domains.has(domain.toLowerCase())) return undefined;
  return `domain admin ${caller.id} may not act on ${domain}: it is not one of their domains`;
}

/** Throws `forbidden` unless the caller may act on `user`. */
export async function requireUserInScope(
  caller: Caller,
  user: string,
  adminDomains: AdminDomains,
): Promise<void> {
  const refusal = await userOutOfScope(caller, user, adminDomains);
  if (refusal) throw new MethodError(rpcErrorCodes.forbidden, refusal);
}

/** The domain of an address, lower case. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
