/**
 * The agent's wire contract: every JSON-RPC method it serves, with its params and result schemas,
 * and whether a call is written to the node's audit log.
 *
 * The agent owns this file (the server owns its API). The console derives its call types from it,
 * so a method name or payload cannot drift between the two. Who may call each method is the one
 * table in access-matrix.ts, which must have a row for every method here.
 */
import { z } from 'zod';
import { adminTiers, nodeRoles, nodeStates } from '../directory/fleet-entries.js';
import { dkimMethods } from './dkim-contract.js';
import { failoverMethods } from './failover-contract.js';
import { gatewayStatus, spamStatistics } from './gateway-figures.js';
import { mailTraceMethods } from './mail-trace-contract.js';
import { mailUser } from './mail-user.js';
import { moveMethods, moveNotifications } from './move-contract.js';
import { nodeMetrics, serviceStatus } from './node-metrics.js';
import { queueAdminMethods, queueFilter, queueListEntry } from './queue-admin-contract.js';
import { replicationMethods } from './replication-contract.js';

export type { CallerKind } from './access-matrix.js';
export { type QueueListEntry, queueListEntry } from './queue-admin-contract.js';

/** Declaration of one method. */
export interface MethodSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** Whether each call (allowed or not) is appended to the audit log. */
  audited: boolean;
  summary: string;
}

const empty = z.object({}).strict();

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

const serviceName = z.string().regex(/^[a-z][a-z0-9-]{0,40}$/);

/** One mailbox on a store, as mailbox.list shows it. */
export const mailboxListEntry = z.object({
  user: z.string(),
  sizeBytes: z.number().nonnegative(),
  messages: z.number().int().nonnegative(),
  /** 0 = unlimited. */
  quotaBytes: z.number().nonnegative(),
  /** sizeBytes / quotaBytes in percent, when there is a quota. */
  quotaUsedPercent: z.number().nonnegative().optional(),
  /** ms since the epoch; absent if the user never logged in on this store. */
  lastLoginAt: z.number().optional(),
});
export type MailboxListEntry = z.infer<typeof mailboxListEntry>;

/** One IMAP or POP3 session on a store. */
export const mailSession = z.object({
  id: z.string(),
  protocol: z.enum(['imap', 'pop3']),
  /** Absent before login. */
  user: z.string().optional(),
  clientAddress: z.string(),
  /** ms since the epoch. */
  since: z.number(),
  secure: z.boolean(),
});
export type MailSession = z.infer<typeof mailSession>;

/** A hold on queued mail: by message id, by recipient user, or by logical store. */
export const queueHold = z.union([
  z.object({ messageId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict(),
  z.object({ user: mailUser }).strict(),
  z.object({ logicalStore: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) }).strict(),
]);
export type QueueHold = z.infer<typeof queueHold>;

/** One session relayed by the director's IMAP/POP3 proxy. */
export const proxySession = z.object({
  /** Unique on this director: `imap-3`, `pop3-1`. */
  id: z.string(),
  protocol: z.enum(['imap', 'pop3']),
  user: z.string(),
  clientAddress: z.string(),
  /** The store node the session is relayed to. */
  storeNode: z.string(),
  /** ms since the epoch. */
  since: z.number(),
});
export type ProxySession = z.infer<typeof proxySession>;

/**
 * A login name, directory entry or client address whose password checks must wait now: the mail
 * logins' guard (login-guard.ts) or the embedded directory's bind throttle (bind-throttle.ts).
 */
export const loginLockout = z.object({
  /** `mail`: IMAP, POP3, SMTP AUTH; `directory`: binds to the embedded LDAP server. */
  service: z.enum(['mail', 'directory']),
  kind: z.enum(['user', 'dn', 'address']),
  /**
   * `user`: the login name as clients typed it (lower case); `dn`: the entry's DN as the client
   * wrote it; `address`: the client's IP address.
   */
  name: z.string(),
  /** Failed checks in the throttle's window (15 min). */
  failures: z.number().int().nonnegative(),
  /** ms since the epoch: when the next attempt may succeed. */
  until: z.number(),
  /** True for a lock (10 failures of a user, 30 of an address), false for a growing delay. */
  locked: z.boolean(),
});
export type LoginLockout = z.infer<typeof loginLockout>;

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
    audited: false,
    summary: 'Who this node is and what it runs.',
  },
  'node.metrics': {
    params: empty,
    result: nodeMetrics,
    audited: false,
    summary: 'The latest metrics sample.',
  },
  'metrics.subscribe': {
    params: z.object({}).strict(),
    result: z.object({ subscription: z.string() }),
    audited: false,
    summary: 'Start a 1 Hz stream of `metrics.sample` notifications on this channel.',
  },
  'metrics.unsubscribe': {
    params: z.object({ subscription: z.string() }).strict(),
    result: z.object({ stopped: z.boolean() }),
    audited: false,
    summary: 'Stop a metrics stream.',
  },
  'service.list': {
    params: empty,
    result: z.object({ services: z.array(serviceStatus) }),
    audited: false,
    summary: 'Services this node runs and their state.',
  },
  'service.restart': {
    params: z.object({ service: serviceName }).strict(),
    result: z.object({ service: serviceStatus }),
    audited: true,
    summary: 'Stop and start one service.',
  },
  'mailbox.list': {
    params: z
      .object({
        /** Only addresses starting with this text. */
        prefix: z.string().max(320).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict(),
    result: z.object({
      mailboxes: z.array(mailboxListEntry),
      /** Mailboxes matching (before offset/limit); a domain admin sees only their domains. */
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    }),
    audited: false,
    summary: 'Mailboxes on this store, by address: size, message count, quota use, last login.',
  },
  'mailbox.stats': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({
      user: z.string(),
      /** False when the user has no mailbox here yet (created on first delivery or login). */
      exists: z.boolean(),
      folders: z.array(
        z.object({
          name: z.string(),
          messages: z.number().int().nonnegative(),
          unseen: z.number().int().nonnegative(),
          sizeBytes: z.number().nonnegative(),
        }),
      ),
      quota: z.object({ usedBytes: z.number(), messages: z.number().int(), limitBytes: z.number() }),
      lastLoginAt: z.number().optional(),
    }),
    audited: false,
    summary: "One user's mailbox on this store: folders with counts and sizes, quota.",
  },
  'session.list': {
    params: z.object({ user: mailUser.optional() }).strict(),
    result: z.object({ sessions: z.array(mailSession) }),
    audited: false,
    summary:
      'IMAP and POP3 sessions on this store (a domain admin sees only logged-in users of their domains).',
  },
  'session.kick': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ closed: z.number().int().nonnegative() }),
    audited: true,
    summary: 'Close every IMAP and POP3 session of one user on this store; returns how many were closed.',
  },
  'queue.summary': {
    params: empty,
    result: z.object({
      messages: z.number().int().nonnegative(),
      recipients: z.object({
        pending: z.number().int().nonnegative(),
        deferred: z.number().int().nonnegative(),
        held: z.number().int().nonnegative(),
      }),
      destinations: z.record(
        z.string(),
        z.object({ active: z.number().int().nonnegative(), waiting: z.number().int().nonnegative() }),
      ),
      holds: z.array(queueHold),
      /** Messages by age since their 250 (qshape buckets). */
      ages: z.object({
        '<5m': z.number().int().nonnegative(),
        '<1h': z.number().int().nonnegative(),
        '<4h': z.number().int().nonnegative(),
        '<1d': z.number().int().nonnegative(),
        '>=1d': z.number().int().nonnegative(),
      }),
    }),
    audited: false,
    summary: "The director's queue: messages, recipients by state, deliveries per destination, holds, ages.",
  },
  'queue.list': {
    // Filters (sender, recipient, domain, destination, age, last reason, state, held): queue-admin-contract.ts.
    params: queueFilter
      .extend({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(2000).default(500),
      })
      .strict(),
    result: z.object({
      entries: z.array(queueListEntry),
      /** Messages matching (before offset/limit). */
      total: z.number().int().nonnegative(),
      offset: z.number().int().nonnegative(),
    }),
    audited: false,
    summary: 'Queued messages, oldest first, with per-recipient state, attempts and last reason.',
  },
  'queue.hold': {
    params: z.object({ hold: queueHold }).strict(),
    result: z.object({ holds: z.array(queueHold) }),
    audited: true,
    summary: 'Hold queued and future mail by message id, recipient user or logical store.',
  },
  'queue.release': {
    params: z.object({ hold: queueHold }).strict(),
    result: z.object({ released: z.boolean(), holds: z.array(queueHold) }),
    audited: true,
    summary: 'Release a hold; the held mail is attempted at once.',
  },
  'route.invalidate': {
    params: z
      .object({
        target: z.union([
          z.object({ user: mailUser }).strict(),
          z.object({ domain: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a mail domain') }).strict(),
          z.object({ logicalStore: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/) }).strict(),
        ]),
      })
      .strict(),
    result: z.object({ invalidated: z.literal(true) }),
    audited: true,
    summary:
      "Drop the director's cached routing for a user, a domain or a logical store (after a mailHost flip or failover).",
  },
  'proxy.sessions': {
    params: z.object({ user: mailUser.optional() }).strict(),
    result: z.object({ sessions: z.array(proxySession) }),
    audited: false,
    summary:
      "Sessions the director's IMAP/POP3 proxy relays, and to which store (a domain admin sees only their domains).",
  },
  'proxy.kick': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ closed: z.number().int().nonnegative() }),
    audited: true,
    summary: "Close one user's proxied IMAP and POP3 sessions on the director; returns how many.",
  },
  'proxy.hold': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ held: z.array(z.string()) }),
    audited: true,
    summary:
      "Refuse one user's proxy logins (NO [UNAVAILABLE] / -ERR [IN-USE]) until released; sessions stay (kick them).",
  },
  'proxy.release': {
    params: z.object({ user: mailUser }).strict(),
    result: z.object({ released: z.boolean(), held: z.array(z.string()) }),
    audited: true,
    summary: "Let a held user log in through the director's proxy again.",
  },
  'gateway.status': {
    params: empty,
    result: gatewayStatus,
    audited: false,
    summary:
      "The gateway's SMTP: content scanning (or not configured), greylist size, blocked clients, next hop.",
  },
  'spam.statistics': {
    params: empty,
    result: spamStatistics,
    audited: false,
    summary:
      "The gateway's decisions over the last hour: per minute, per domain, top clients, last decisions.",
  },
  'auth.lockouts': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(500) }).strict(),
    result: z.object({ lockouts: z.array(loginLockout) }),
    audited: false,
    summary:
      "Login names and client addresses whose password checks on this node are throttled or locked now, locked first (a domain admin sees only their domains' users).",
  },
  'auth.unlock': {
    params: z
      .object({
        /** Whose checks: the mail logins' (default) or the embedded directory's binds. */
        service: z.enum(['mail', 'directory']).default('mail'),
        target: z.union([
          z.object({ user: z.string().min(1).max(320) }).strict(),
          z.object({ dn: z.string().min(3).max(1024) }).strict(),
          z.object({ address: z.string().min(2).max(64) }).strict(),
        ]),
      })
      .strict(),
    result: z.object({ unlocked: z.boolean() }),
    audited: true,
    summary:
      "Forget the failed password checks of a login name or client address (mail: IMAP, POP3, SMTP AUTH), or of a directory entry or client address (the embedded directory's binds), on this node. Domain admins: their domains' mail users only.",
  },
  ...queueAdminMethods,
  ...mailTraceMethods,
  ...moveMethods,
  ...replicationMethods,
  ...dkimMethods,
  ...failoverMethods,
  'audit.tail': {
    params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(),
    result: z.object({ entries: z.array(auditEntry) }),
    audited: false,
    summary: 'The newest audit entries of this node, oldest first.',
  },
} as const satisfies Record<string, MethodSpec>;

/** Notifications the agent sends. */
export const notifications = {
  'metrics.sample': z.object({ subscription: z.string(), sample: nodeMetrics }),
  ...moveNotifications,
} as const;

export type MethodName = keyof typeof methods;
export type MethodParams<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type MethodResult<M extends MethodName> = z.output<(typeof methods)[M]['result']>;
export type NotificationName = keyof typeof notifications;
export type NotificationParams<N extends NotificationName> = z.output<(typeof notifications)[N]>;

export { adminTiers };
