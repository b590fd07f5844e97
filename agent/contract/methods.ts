/**
 * The agent's wire contract: every JSON-RPC method it serves, with its params and result schemas,
 * the callers allowed, and whether a call is written to the node's audit log.
 *
 * The agent owns this file (the server owns its API). The console derives its call types from it,
 * so a method name or payload cannot drift between the two. Authorization is enforced by the agent
 * from `allowed`; the console only uses it to grey out buttons.
 */
import { z } from 'zod';
import { type AdminTier, adminTiers, nodeRoles, nodeStates } from '../directory/fleet-entries.js';
import { nodeMetrics, serviceStatus } from './node-metrics.js';

/** Who is calling: an admin (by tier) or a peer agent. */
export type CallerKind = AdminTier | 'peer';

/** Declaration of one method. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** Caller kinds allowed; everyone else gets `forbidden` naming their tier. */
  allowed: readonly CallerKind[];
  /** Whether each call (allowed or not) is appended to the audit log. */
  audited: boolean;
  summary: string;
}

const operators: readonly CallerKind[] = ['system', 'helpdesk', 'domain', 'peer'];
const staff: readonly CallerKind[] = ['system', 'helpdesk'];
const systemOnly: readonly CallerKind[] = ['system'];

const empty = z.object({}).strict();

export const auditOutcomes = ['ok', 'denied', 'error'] as const;

/** One line of a node's append-only audit log. */
export const auditEntry = z.object({
  at: z.string(),
  node: z.string(),
  caller: z.object({ kind: z.string(), id: z.string() }),
  method: z.string(),
  /** SHA-256 of the canonical JSON of the params: proves what was asked without logging secrets. */
  paramsDigest: z.string(),
  outcome: z.enum(auditOutcomes),
  error: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);

export const methods = {
  'node.info': {
    params: empty,
    result: z.object({
      name: z.string(),
      role: z.enum(nodeRoles),
      /** State recorded in the directory. */
      directoryState: z.enum(nodeStates),
      version: z.string(),
      pid: z.number().int(),
      hostname: z.string(),
      startedAt: z.number(),
      controlPort: z.number().int(),
      hostKeyFingerprint: z.string(),
      endpoints: z.record(z.string(), z.string()),
      services: z.array(serviceStatus),
    }),
    allowed: operators,
    audited: false,
    summary: 'Who this node is and what it runs.',
  },
  'node.metrics': {
    params: empty,
    result: nodeMetrics,
    allowed: operators,
    audited: false,
    summary: 'The latest metrics sample.',
  },
  'metrics.subscribe': {
    params: z.object({}).strict(),
    result: z.object({ subscription: z.string() }),
    allowed: operators,
    audited: false,
    summary: 'Start a 1 Hz stream of `metrics.sample` notifications on this channel.',
  },
  'metrics.unsubscribe': {
    params: z.object({ subscription: z.string() }).strict(),
    result: z.object({ stopped: z.boolean() }),
    allowed: operators,
    audited: false,
    summary: 'Stop a metrics stream.',
  },
  'service.list': {
    params: empty,
    result: z.object({ services: z.array(serviceStatus) }),
    allowed: operators,
    audited: false,
    summary: 'Services this node runs and their state.',
  },
  'service.restart': {
    params: z.object({ service: serviceName }).strict(),
    result: z.object({ service: serviceStatus }),
    allowed: systemOnly,
    audited: true,
    summary: 'Stop and start one service.',
  },
  'audit.tail': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.object({ entries: z.array(auditEntry) }),
    allowed: staff,
    audited: false,
    summary: 'The newest audit entries of this node, oldest first.',
  },
} as const satisfies Record<string, MethodSpec>;

/** Notifications the agent sends. */
export const notifications = {
  'metrics.sample': z.object({ subscription: z.string(), sample: nodeMetrics }),
} as const;

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type NotificationName = keyof typeof notifications;
export type NotificationParams<N extends NotificationName> = z.output<(typeof notifications)[N]>;

/** Whether a caller kind may call a method. */
export function isAllowed(method: MethodName, caller: CallerKind): boolean {
  return (methods[method].allowed as readonly CallerKind[]).includes(caller);
}

export { adminTiers };
