/**
 * Each mail domain's spam policy from its directory entry (`mailfleetSpamPolicy`, parsed with
 * parseDomainSpamPolicy). The domain list is cached like the recipient check caches it; a domain
 * whose value does not parse gets the default policy, and the bad value is logged once (not at
 * every message) so an administrator can fix the entry.
 */
import type { Clock } from '../../common/clock.js';
import type { FleetDirectory } from '../../common/directory/fleet-directory.js';
import {
  type DomainSpamPolicy,
  defaultDomainSpamPolicy,
  parseDomainSpamPolicy,
  type SpamPolicyLookup,
} from './domain-spam-policy.js';

/** Told about a domain whose policy text cannot be used. */
export type BadSpamPolicyReport = (domain: string, value: string, error: string) => void;

/** Options of {@link directorySpamPolicies}. */
export interface DirectorySpamPoliciesOptions {
  directory: Pick<FleetDirectory, 'listDomains'>;
  clock: Clock;
  /** How long the domain list is reused (default 60 s). */
  cacheMs?: number;
  onBadPolicy?: BadSpamPolicyReport;
}

/** A SpamPolicyLookup reading the directory. Rejects when the directory fails (the scan then defers). */
export function directorySpamPolicies(options: DirectorySpamPoliciesOptions): SpamPolicyLookup {
  const cacheMs = options.cacheMs ?? 60_000;
  const reported = new Set<string>();
  let cached: { at: number; policies: Map<string, DomainSpamPolicy> } | undefined;
  let reading: Promise<Map<string, DomainSpamPolicy>> | undefined;

  const read = async (): Promise<Map<string, DomainSpamPolicy>> => {
    const policies = new Map<string, DomainSpamPolicy>();
    for (const domain of await options.directory.listDomains()) {
      if (domain.spamPolicy === undefined) continue;
      try {
        policies.set(domain.name, parseDomainSpamPolicy(domain.spamPolicy));
      } catch (error) {
        const key = `${domain.name}\0${domain.spamPolicy}`;
        if (!reported.has(key)) {
          reported.add(key);
          options.onBadPolicy?.(domain.name, domain.spamPolicy, (error as Error).message);
        }
      }
    }
    return policies;
  };

  return async (domain) => {
    const now = options.clock.now();
    if (!cached || now - cached.at > cacheMs) {
      // One read shared by every message arriving meanwhile.
      reading ??= read().finally(() => {
        reading = undefined;
      });
      cached = { at: now, policies: await reading };
    }
    return cached.policies.get(domain.toLowerCase()) ?? defaultDomainSpamPolicy;
  };
}
