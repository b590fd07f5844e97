/** `audit.tail`: the newest entries of this node's audit log. */
import type { AuditLog } from './audit-log.js';
import type { MethodHandlers } from './method-handler.js';

/** Handlers of the `audit.*` group. */
export function auditMethods(deps: { audit: AuditLog }): Pick<MethodHandlers, 'audit.tail'> {
  return {
    'audit.tail': async ({ limit }) => ({ entries: await deps.audit.tail(limit) }),
  };
}
