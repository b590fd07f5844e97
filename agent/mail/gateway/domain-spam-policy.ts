/**
 * A mail domain's spam policy: what the gateway does with a message rspamd scored, for recipients
 * of that domain. Departments choose (the console, docs/delegation.md); the directory holds it in
 * `mailfleetSpamPolicy`, whose text form agent/common/directory/domain-spam-policy-text.ts reads.
 */
import {
  type DomainSpamPolicy,
  defaultDomainSpamPolicy,
} from '../../common/directory/domain-spam-policy-text.js';

export {
  type DomainSpamPolicy,
  defaultDomainSpamPolicy,
  parseDomainSpamPolicy,
} from '../../common/directory/domain-spam-policy-text.js';

/** Finds a domain's policy (the directory later; `defaultSpamPolicies` until the schema has it). */
export type SpamPolicyLookup = (domain: string) => Promise<DomainSpamPolicy>;

/** The lookup to use while the schema has no attribute: every domain gets the default. */
export const defaultSpamPolicies: SpamPolicyLookup = async () => defaultDomainSpamPolicy;
