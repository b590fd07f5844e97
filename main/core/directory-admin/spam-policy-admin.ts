/**
 * A department's spam policy from the console (issue 15): what the gateway does with spam for the
 * domain's recipients (agent/mail/gateway/domain-spam-policy.ts reads `mailfleetSpamPolicy`).
 * Written with the admin's own bind, so the directory's access rules decide who may: a system
 * admin, or the domain's own department admin (docs/delegation.md); the directory records it.
 */

import {
  type DomainSpamPolicy,
  defaultDomainSpamPolicy,
  parseDomainSpamPolicy,
} from '../../../agent/common/directory/domain-spam-policy-text.js';
import type { FleetDirectory } from '../../../agent/common/directory/fleet-directory.js';
import type { SpamPolicy, SpamPolicyWrite } from './directory-admin-contract.js';
import { refuse } from './directory-admin-errors.js';

/** A domain's spam policy as the gateway applies it now. */
export async function readSpamPolicy(directory: FleetDirectory, domainName: string): Promise<SpamPolicy> {
  const domain = (await directory.listDomains()).find((d) => d.name === domainName);
  if (!domain) refuse('not-found', `no mail domain ${domainName} that this login may read`, 'domain');
  let policy: DomainSpamPolicy = defaultDomainSpamPolicy;
  let isDefault = true;
  if (domain.spamPolicy !== undefined) {
    try {
      policy = parseDomainSpamPolicy(domain.spamPolicy);
      isDefault = false;
    } catch {
      // The gateway applies the default to a value it cannot read, and so does this view.
    }
  }
  return { domain: domain.name, ...policy, isDefault };
}

/** Writes a domain's policy (the subject prefix kept as it was) and returns it as read back. */
export async function writeSpamPolicy(
  directory: FleetDirectory,
  write: SpamPolicyWrite,
): Promise<SpamPolicy> {
  const current = await readSpamPolicy(directory, write.domain);
  const parts = [`mode=${write.mode}`, `tag=${write.tagScore}`];
  if (write.mode === 'reject' && write.rejectScore !== null && write.rejectScore !== undefined)
    parts.push(`reject=${write.rejectScore}`);
  // The prefix holds no ';' (it was parsed from the same form), and keeps its trailing space.
  parts.push(`prefix=${current.subjectPrefix}`);
  const text = parts.join('; ');
  // The text is checked as the gateway will read it, before the directory is asked.
  parseDomainSpamPolicy(text);
  await directory.setDomainSpamPolicy(write.domain, text);
  return readSpamPolicy(directory, write.domain);
}
