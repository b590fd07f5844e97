/**
 * The agent's wire contract: every JSON-RPC method it serves, with its params and result schemas,
 * and whether a call is written to the node's audit log. The methods are declared by area in the
 * `*-contract.ts` files beside this one (node, store, queue, route, proxy, gateway, login
 * lockouts, queue administration, mail trace, moves, replication, DKIM, failover, audit); this
 * file assembles them into the one map.
 *
 * The agent owns this file (the server owns its API). The console derives its call types from it,
 * so a method name or payload cannot drift between the two. Who may call each method is the one
 * table in access-matrix.ts, which must have a row for every method here.
 */
import type { z } from 'zod';
import { adminTiers } from '../directory/fleet-entries.js';
import { auditMethods } from './audit-contract.js';
import { dkimMethods } from './dkim-contract.js';
import { failoverMethods } from './failover-contract.js';
import { gatewayMethods } from './gateway-contract.js';
import { loginLockoutMethods } from './login-lockout-contract.js';
import { mailTraceMethods } from './mail-trace-contract.js';
import { moveMethods, moveNotifications } from './move-contract.js';
import { nodeMethods, nodeNotifications } from './node-contract.js';
import { proxyMethods } from './proxy-contract.js';
import { queueAdminMethods } from './queue-admin-contract.js';
import { queueMethods } from './queue-contract.js';
import { replicationMethods } from './replication-contract.js';
import { routeMethods } from './route-contract.js';
import { srsMethods } from './srs-contract.js';
import { storeMethods } from './store-contract.js';

export type { CallerKind } from './access-matrix.js';
// The shapes callers name, from the area files that declare them, so every caller keeps one door.
export {
  type AuditEntry,
  type AuditTarget,
  auditEntry,
  auditOutcomes,
  auditTarget,
  auditTargetKinds,
} from './audit-contract.js';
export { type LoginLockout, loginLockout } from './login-lockout-contract.js';
export { type ProxySession, proxySession } from './proxy-contract.js';
export { type QueueListEntry, queueListEntry } from './queue-admin-contract.js';
export { type QueueHold, queueHold } from './queue-contract.js';
export { type MailboxListEntry, type MailSession, mailboxListEntry, mailSession } from './store-contract.js';

/** Declaration of one method. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** Whether each call (allowed or not) is appended to the audit log. */
  audited: boolean;
  summary: string;
}

/** Every JSON-RPC method the agent serves, area by area. */
export const methods = {
  ...nodeMethods,
  ...storeMethods,
  ...queueMethods,
  ...routeMethods,
  ...srsMethods,
  ...proxyMethods,
  ...gatewayMethods,
  ...loginLockoutMethods,
  ...queueAdminMethods,
  ...mailTraceMethods,
  ...moveMethods,
  ...replicationMethods,
  ...dkimMethods,
  ...failoverMethods,
  ...auditMethods,
} as const satisfies Record<string, MethodSpec>;

/** Notifications the agent sends. */
export const notifications = {
  ...nodeNotifications,
  ...moveNotifications,
} as const;

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type NotificationName = keyof typeof notifications;
export type NotificationParams<N extends NotificationName> = z.output<(typeof notifications)[N]>;

export { adminTiers };
