/**
 * `audit.tail`: the newest entries of this node's audit log, merged with the embedded directory's
 * record of its writes on the directory node. A department (`domain`) admin gets only the entries
 * that acted on something in its own domains: filtered here, on the agent, not in the console.
 * On the host of slapd, its slapo-auditlog file is read the same way (`slapdAuditLog`).
 */
import type { AuditEntry } from '../common/contract/methods.js';
import type { AuditLog } from './audit-log.js';
import { type AdminDomains, callerDomains } from './domain-scope.js';
import type { MethodHandlers } from './method-handler.js';

/**
 * A log `audit.tail` reads besides the node's own: the newest `limit` entries `keep` accepts,
 * oldest first.
 */
export interface AuditSource {
  tail(limit: number, keep?: (entry: AuditEntry) => boolean): Promise<AuditEntry[]>;
}

/** What `audit.tail` reads. */
export interface AuditMethodDeps {
  audit: AuditLog;
  /** The directory's record of its writes: the embedded directory's log, or slapd's auditlog file. */
  directoryAudit: () => AuditSource | undefined;
  adminDomains: AdminDomains;
}

/** Handlers of the `audit.*` group. */
export function auditMethods(deps: AuditMethodDeps): Pick<MethodHandlers, 'audit.tail'> {
  return {
    'audit.tail': async ({ limit }, { caller }) => {
      const domains = await callerDomains(caller, deps.adminDomains);
      // A department admin's entries are picked while the logs are read, so its tail is full even
      // when other departments wrote far more since.
      const keep = domains ? (entry: AuditEntry) => inDomains(entry, domains) : undefined;
      const directory = deps.directoryAudit();
      const entries = [
        ...(await deps.audit.tail(limit, keep)),
        ...(directory ? await directory.tail(limit, keep) : []),
      ];
      return { entries: byTime(entries).slice(-limit) };
    },
  };
}

function inDomains(entry: AuditEntry, domains: Set<string>): boolean {
  const domain = entry.target?.domain;
  return domain !== undefined && domains.has(domain);
}

// Stable: entries of one log keep their order when their times are equal.
function byTime(entries: AuditEntry[]): AuditEntry[] {
  return entries
    .map((entry, i) => ({ entry, i, at: Date.parse(entry.at) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ entry }) => entry);
}
