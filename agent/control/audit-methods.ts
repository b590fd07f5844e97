/**
 * `audit.tail`: the newest entries of this node's audit log, merged with the embedded directory's
 * record of its writes on the directory node. A department (`domain`) admin gets only the entries
 * that acted on something in its own domains: filtered here, on the agent, not in the console.
 * On the host of slapd, its slapo-auditlog file is read the same way (`slapdAuditLog`).
 *
 * A department admin's tail reads up to 16 MiB of each log to find its few entries, so each such
 * admin may ask a burst of 6, then one every 2 s (the console asks every 5 s per open view); more
 * is refused as `unavailable` with the wait in words. System and helpdesk admins are staff whose
 * tails stop at the newest entries: not limited.
 */

import { rpcErrorCodes } from '../common/contract/json-rpc.js';
import type { AuditEntry } from '../common/contract/methods.js';
import type { AuditLog } from './audit-log.js';
import { CallerRateLimit } from './caller-rate-limit.js';
import { type AdminDomains, callerDomains } from './domain-scope.js';
import { MethodError, type MethodHandlers } from './method-handler.js';

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
  now?: () => number;
}

/** A department admin's tails: a burst of this many, then one every `domainTailEveryMs`. */
export const domainTailBurst = 6;
/** See {@link domainTailBurst}. */
export const domainTailEveryMs = 2000;

/** Handlers of the `audit.*` group. */
export function auditMethods(deps: AuditMethodDeps): Pick<MethodHandlers, 'audit.tail'> {
  const domainTails = new CallerRateLimit({
    burst: domainTailBurst,
    everyMs: domainTailEveryMs,
    ...(deps.now ? { now: deps.now } : {}),
  });
  return {
    'audit.tail': async ({ limit }, { caller }) => {
      if (caller.kind === 'domain') {
        const waitMs = domainTails.take(caller.id);
        if (waitMs > 0)
          throw new MethodError(
            rpcErrorCodes.unavailable,
            `too many audit reads by domain admin ${caller.id} (at most one every ${domainTailEveryMs / 1000} s after ${domainTailBurst}): try again in ${Math.ceil(waitMs / 1000)} s`,
          );
      }
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
