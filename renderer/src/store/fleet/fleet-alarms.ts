/**
 * The dashboard's alarm list, computed from one fleet snapshot and the failed-logins history the
 * store keeps: nodes that do not answer, nodes whose figures stopped, a director queue that grows,
 * a disk nearly full, failed logins that look like someone guessing passwords (over a fixed limit,
 * or far above the node's own normal), and mailboxes nearly at their limit. A pure function, so it
 * is tested without a browser.
 */
import type { ConsoleFleetSnapshot, ConsoleNodeView } from '../../../../main/console/console-contract';
import { nodeFigures, quotaShareLimit } from './fleet-figures';
import { type LoginHistory, loginBaseline, recentLoginRate } from './login-history';

/**
 * Messages in a director's queue above which the queue is an alarm. The director hands mail to a
 * store within seconds, so in normal running its queue holds tens of messages; a thousand means a
 * store or the outside world stopped taking mail for several minutes at the university's rate.
 */
export const queueMessagesLimit = 1000;

/**
 * Recipients waiting for a retry above which the queue is an alarm: deferred recipients are those
 * a store or a remote server refused for now; five hundred is far more than a few slow domains and
 * means a whole destination is refusing.
 */
export const queueDeferredLimit = 500;

/**
 * Share of a disk in use above which it is an alarm: over 90 % a store's mailboxes and the queue's
 * spool fill in hours on a busy day, and a full disk makes Dovecot and Postfix refuse mail.
 */
export const diskShareLimit = 0.9;

/**
 * Failed logins per minute on one node above which it is an alarm: staff mistyping passwords make a
 * few a minute over a whole store; thirty a minute is a client with an old password retrying in a
 * loop or someone guessing passwords, and either needs a look.
 */
export const failedLoginsPerMinLimit = 30;

/**
 * How many times its own median a node's failed-logins rate must be to be a spike. Staff mistyping
 * passwords vary by two or three times between quiet and busy minutes; five times is a change in
 * kind (a new client with an old password in a loop, someone guessing), not the morning rush.
 */
export const failedLoginsSpikeFactor = 5;

/**
 * Failed logins per minute a spike must also be over: on a quiet store the median is 0 or 1, and
 * five times that is a handful of typos; ten a minute for half a minute is not a person typing.
 */
export const failedLoginsSpikeFloorPerMin = 10;

/**
 * Complete minutes of a node's history before it has a normal to compare with: a console just
 * opened (or a node just up) knows nothing yet, and a median of one or two minutes is noise.
 */
export const failedLoginsBaselineMinMinutes = 3;

/**
 * Locked logins on one node above which it is an alarm: none. A lock takes ten wrong passwords for
 * one user (or thirty from one address) within 15 minutes, with waits between them: no one mistypes
 * that much. Either someone is guessing, or a user's client keeps an old password and the user is
 * locked out of their mail; the helpdesk should know at once (the Lockouts view says who).
 */
export const loginLockoutsLimit = 0;

/** What is wrong. */
export const alarmKinds = [
  'node-down',
  'data-stale',
  'queue-messages',
  'queue-deferred',
  'disk-full',
  'failed-logins',
  'failed-logins-spike',
  'logins-locked',
  'quota-near-limit',
] as const;
export type AlarmKind = (typeof alarmKinds)[number];

/**
 * `critical`: mail is not served or is about to be refused (a node gone, figures gone, a full
 * disk); `warning`: mail still flows but someone should look (a queue growing, failed logins).
 */
export type AlarmSeverity = 'critical' | 'warning';

/** One alarm of one node. */
export interface FleetAlarm {
  node: string;
  kind: AlarmKind;
  severity: AlarmSeverity;
  /** Since when (ms since the epoch, console clock), where the snapshot knows it. */
  since?: number;
  /**
   * The figure that raised it: ms without answer or figures (node-down, data-stale), messages,
   * recipients, the disk's used share 0..1, failed logins per minute (now, for a spike), locked
   * logins, or mailboxes over the quota share.
   */
  value: number;
  /** The limit it is over (absent for node-down and data-stale; the share 0..1 for quota). */
  limit?: number;
  /** failed-logins-spike: the node's median failed logins per minute over its recent minutes. */
  baseline?: number;
  /** quota-near-limit: the count is a lower bound (the agent lists only its fullest mailboxes). */
  atLeast?: boolean;
  /** quota-near-limit: the fullest mailbox and its used share 0..1. */
  fullest?: { user: string; share: number };
}

const severityOf: Record<AlarmKind, AlarmSeverity> = {
  'node-down': 'critical',
  'data-stale': 'critical',
  'disk-full': 'critical',
  'queue-messages': 'warning',
  'queue-deferred': 'warning',
  'failed-logins': 'warning',
  'failed-logins-spike': 'warning',
  'logins-locked': 'warning',
  'quota-near-limit': 'warning',
};

const severityRank: Record<AlarmSeverity, number> = { critical: 0, warning: 1 };

/** The node's failed logins now far above its own median (and over the floor), or undefined. */
function loginSpike(node: ConsoleNodeView, history: LoginHistory | undefined): FleetAlarm | undefined {
  if (!history) return undefined;
  const baseline = loginBaseline(history, failedLoginsBaselineMinMinutes);
  const now = recentLoginRate(history);
  if (baseline === undefined || now === undefined) return undefined;
  const limit = Math.max(baseline * failedLoginsSpikeFactor, failedLoginsSpikeFloorPerMin);
  if (now <= limit) return undefined;
  const kind = 'failed-logins-spike';
  return { node: node.name, kind, severity: severityOf[kind], value: now, limit, baseline };
}

/** The alarms of one node at snapshot time `at`. */
function nodeAlarms(node: ConsoleNodeView, at: number, history: LoginHistory | undefined): FleetAlarm[] {
  if (node.state !== 'up') {
    // A node that does not answer has one alarm: its last figures are old, so no others from them.
    const kind: AlarmKind = node.state === 'down' ? 'node-down' : 'data-stale';
    const since = Math.min(node.since, at);
    return [{ node: node.name, kind, severity: severityOf[kind], since, value: at - since }];
  }
  const figures = nodeFigures(node);
  const alarms: FleetAlarm[] = [];
  const over = (kind: AlarmKind, value: number | undefined, limit: number) => {
    if (value !== undefined && value > limit) {
      alarms.push({ node: node.name, kind, severity: severityOf[kind], value, limit });
    }
  };
  over('disk-full', figures.diskShare, diskShareLimit);
  over('queue-messages', figures.queueDepth, queueMessagesLimit);
  over('queue-deferred', figures.queueDeferred, queueDeferredLimit);
  over('failed-logins', figures.failedLoginsPerMin, failedLoginsPerMinLimit);
  // Over the fixed limit says it already; the spike is for a node well below it but far off its normal.
  const spike = alarms.some((a) => a.kind === 'failed-logins') ? undefined : loginSpike(node, history);
  if (spike) alarms.push(spike);
  over('logins-locked', figures.loginLockouts, loginLockoutsLimit);
  const quota = figures.quotaOver;
  if (quota && quota.count > 0) {
    alarms.push({
      node: node.name,
      kind: 'quota-near-limit',
      severity: severityOf['quota-near-limit'],
      value: quota.count,
      limit: quotaShareLimit,
      atLeast: quota.atLeast,
      ...(quota.fullest ? { fullest: quota.fullest } : {}),
    });
  }
  return alarms;
}

// The alarm list renders once per snapshot; computed once for each (and the history it came with).
const alarmsOf = new WeakMap<
  ConsoleFleetSnapshot,
  { logins: Readonly<Record<string, LoginHistory>>; alarms: FleetAlarm[] }
>();

const noLogins: Readonly<Record<string, LoginHistory>> = {};

/**
 * Every alarm of the fleet, critical first, then by node name, then in the order of `alarmKinds`.
 * `logins` is the store's failed-logins history (login-history.ts); without it no spike is raised.
 */
export function fleetAlarms(
  snapshot: ConsoleFleetSnapshot,
  logins: Readonly<Record<string, LoginHistory>> = noLogins,
): FleetAlarm[] {
  const known = alarmsOf.get(snapshot);
  if (known && known.logins === logins) return known.alarms;
  const alarms = snapshot.nodes
    .flatMap((node) => nodeAlarms(node, snapshot.at, logins[node.name]))
    .sort(
      (a, b) =>
        severityRank[a.severity] - severityRank[b.severity] ||
        a.node.localeCompare(b.node, 'en', { numeric: true }) ||
        alarmKinds.indexOf(a.kind) - alarmKinds.indexOf(b.kind),
    );
  alarmsOf.set(snapshot, { logins, alarms });
  return alarms;
}
