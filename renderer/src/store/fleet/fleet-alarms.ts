/**
 * The dashboard's alarm list, computed from one fleet snapshot: nodes that do not answer, nodes
 * whose figures stopped, a director queue that grows, a disk nearly full, and failed logins that
 * look like someone guessing passwords. A pure function, so it is tested without a browser.
 */
import type { ConsoleFleetSnapshot, ConsoleNodeView } from '../../../../main/console/console-fleet-snapshot';
import { nodeFigures } from './fleet-figures';

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

/** What is wrong. */
export const alarmKinds = [
  'node-down',
  'data-stale',
  'queue-messages',
  'queue-deferred',
  'disk-full',
  'failed-logins',
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
   * recipients, the disk's used share 0..1, or failed logins per minute.
   */
  value: number;
  /** The limit it is over (absent for node-down and data-stale). */
  limit?: number;
}

const severityOf: Record<AlarmKind, AlarmSeverity> = {
  'node-down': 'critical',
  'data-stale': 'critical',
  'disk-full': 'critical',
  'queue-messages': 'warning',
  'queue-deferred': 'warning',
  'failed-logins': 'warning',
};

const severityRank: Record<AlarmSeverity, number> = { critical: 0, warning: 1 };

/** The alarms of one node at snapshot time `at`. */
function nodeAlarms(node: ConsoleNodeView, at: number): FleetAlarm[] {
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
  return alarms;
}

// The alarm list renders once per snapshot; computed once for each.
const alarmsOf = new WeakMap<ConsoleFleetSnapshot, FleetAlarm[]>();

/**
 * Every alarm of the fleet, critical first, then by node name, then in the order of `alarmKinds`.
 */
export function fleetAlarms(snapshot: ConsoleFleetSnapshot): FleetAlarm[] {
  const known = alarmsOf.get(snapshot);
  if (known) return known;
  const alarms = snapshot.nodes
    .flatMap((node) => nodeAlarms(node, snapshot.at))
    .sort(
      (a, b) =>
        severityRank[a.severity] - severityRank[b.severity] ||
        a.node.localeCompare(b.node, 'en', { numeric: true }) ||
        alarmKinds.indexOf(a.kind) - alarmKinds.indexOf(b.kind),
    );
  alarmsOf.set(snapshot, alarms);
  return alarms;
}
