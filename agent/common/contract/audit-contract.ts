/**
 * The node's audit log on the wire: one line per audited call or directory change (who, what,
 * with which outcome, on what), and `audit.tail` to read the newest lines.
 */
import { z } from 'zod';
import type { MethodSpec } from './methods.js';

/** How an audited call ended. */
export const auditOutcomes = ['ok', 'denied', 'error'] as const;

/** The kinds of thing an audit entry acted on. */
export const auditTargetKinds = [
  'user',
  'alias',
  'group',
  'domain',
  'admin',
  'server',
  'store',
  'message',
  'entry',
] as const;

/**
 * What an audited call or directory change acted on: which user, alias, group, domain or message,
 * and for a directory change which attributes (names only: never a value, so never a password).
 */
export const auditTarget = z.object({
  kind: z.enum(auditTargetKinds),
  /** The address, domain, queue ID or DN that names it. */
  name: z.string(),
  /** The mail domain it belongs to (lower case), when it belongs to one: what a department admin may see. */
  domain: z.string().optional(),
  /** Attributes a directory change wrote or removed, by name. */
  attributes: z.array(z.string()).optional(),
});
export type AuditTarget = z.infer<typeof auditTarget>;

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
  /** The call only counted what it would touch (`dryRun: true`): nothing was changed. */
  dryRun: z.literal(true).optional(),
  /** What it acted on, when the call or change names something. */
  target: auditTarget.optional(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** `audit.tail`. */
export const auditMethods = {
  'audit.tail': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.object({ entries: z.array(auditEntry) }),
    audited: false,
    summary: 'The newest audit entries of this node, oldest first.',
  },
} as const satisfies Record<string, MethodSpec>;
