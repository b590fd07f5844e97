/**
 * Figures the dashboard shows, computed from the samples the agents stream (agent/common/contract/
 * node-metrics.ts): role counters by name, disk and memory shares, fleet totals. A counter a node
 * does not publish yet is `undefined` and is shown as a dash, never as zero.
 */

import type {
  ConsoleFleetSnapshot,
  ConsoleNodeView,
  NodeMetrics,
} from '../../../../main/console/console-contract';

/** A counter of a sample, or undefined when the node does not publish it. */
export function counter(sample: NodeMetrics | undefined, name: string): number | undefined {
  const value = sample?.counters[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Used share of a total, 0..1, or undefined without a total. */
export function share(used: number | undefined, total: number | undefined): number | undefined {
  return used === undefined || !total ? undefined : Math.min(1, Math.max(0, used / total));
}

/** What one node tile shows. */
export interface NodeFigures {
  mailboxes?: number;
  sessions?: number;
  deliveriesPerMin?: number;
  failedLoginsPerMin?: number;
  queueDepth?: number;
  diskShare?: number;
  memoryShare?: number;
  cpuPercent?: number;
  servicesRunning?: number;
  servicesTotal?: number;
  /** Recipients waiting for a retry in the director's queue. */
  queueDeferred?: number;
  /** IMAP and POP3 sessions the director's proxy relays. */
  proxySessions?: number;
  /** Gateway: first attempts greylisted in the last complete minute. */
  greylistedPerMin?: number;
  /** Director: recipients its queue delivered (to stores and outside) in the last 60 s. */
  deliveredPerMin?: number;
  /** Gateway: recipients accepted and passed to the director (clean or tagged) in the last complete minute. */
  acceptedPerMin?: number;
  /** Gateway: messages rejected or tagged as spam in the last complete minute. */
  spamPerMin?: number;
  /** Store: mailboxes over `quotaShareLimit` of their limit (undefined when the node sends no list). */
  quotaOver?: QuotaOver;
  /** Each logical store served here that has a replica: its protection and where the replica is. */
  replication?: NodeMetrics['replication'];
  /**
   * Login names, directory entries and client addresses locked now after too many wrong passwords:
   * the mail logins' (`login_lockouts`) and the embedded directory's binds (`directory_locked_*`).
   */
  loginLockouts?: number;
}

/**
 * Share of a mailbox's limit above which it is counted as nearly full: over 90 % a busy user's
 * mailbox fills within days, then the store refuses their mail (552) and senders get bounces.
 */
export const quotaShareLimit = 0.9;

/** The mailboxes of a store over `quotaShareLimit` of their limit. */
export interface QuotaOver {
  count: number;
  /** The agent sends only its fullest mailboxes (10): when all of them are over, there may be more. */
  atLeast: boolean;
  /** The fullest one, when any is over. */
  fullest?: { user: string; share: number };
}

/** Counts the mailboxes over the limit in the sample's list of fullest mailboxes. */
export function quotaOver(sample: NodeMetrics | undefined): QuotaOver | undefined {
  const top = sample?.store?.topQuotaUsers;
  if (!top) return undefined;
  const over = top
    .map((m) => ({ user: m.user, share: m.usedBytes / m.limitBytes }))
    .filter((m) => m.share > quotaShareLimit)
    .sort((a, b) => b.share - a.share || (a.user < b.user ? -1 : 1));
  return {
    count: over.length,
    atLeast: over.length > 0 && over.length === top.length && top.length >= topQuotaListLength,
    ...(over[0] ? { fullest: over[0] } : {}),
  };
}

// How many mailboxes the store agent lists (agent/daemon/modules/store-figures.ts, topQuotaCount).
const topQuotaListLength = 10;

function sum(values: Array<number | undefined>): number | undefined {
  const present = values.filter((v): v is number => v !== undefined);
  return present.length === 0 ? undefined : present.reduce((a, b) => a + b, 0);
}

/** The figures of one node from its newest sample. */
export function nodeFigures(node: ConsoleNodeView): NodeFigures {
  const sample = node.sample;
  if (!sample) return {};
  const known = figuresOf.get(sample);
  if (known) return known;
  const figures = figuresOfSample(sample);
  figuresOf.set(sample, figures);
  return figures;
}

// The totals, the history, the alarms and the tiles all read a node's figures every tick; a sample
// is a new object when it is new (parsed from the wire), so its figures are computed once.
const figuresOf = new WeakMap<NodeMetrics, NodeFigures>();

function figuresOfSample(sample: NodeMetrics): NodeFigures {
  return {
    mailboxes: counter(sample, 'mailbox_count'),
    sessions: sum([counter(sample, 'imap_sessions'), counter(sample, 'pop3_sessions')]),
    // Counts over the agent's last 60 s: a per-second rate times 60 jumps between 0 and 60 on one event.
    deliveriesPerMin: counter(sample, 'deliveries_last_minute'),
    failedLoginsPerMin: counter(sample, 'failed_logins_last_minute'),
    deliveredPerMin: counter(sample, 'queue_delivered_last_minute'),
    // The director's queue (director-figures.ts on the agent); the gateway keeps no queue.
    queueDepth: counter(sample, 'queue_messages'),
    queueDeferred: counter(sample, 'queue_recipients_deferred'),
    proxySessions: sum([counter(sample, 'proxy_imap_sessions'), counter(sample, 'proxy_pop3_sessions')]),
    greylistedPerMin: counter(sample, 'gateway_greylisted_per_minute'),
    spamPerMin: sum([
      counter(sample, 'gateway_rejected_spam_per_minute'),
      counter(sample, 'gateway_tagged_per_minute'),
    ]),
    acceptedPerMin: sum([
      counter(sample, 'gateway_clean_per_minute'),
      counter(sample, 'gateway_tagged_per_minute'),
    ]),
    quotaOver: quotaOver(sample),
    replication: sample.replication,
    loginLockouts: sum([
      counter(sample, 'login_lockouts'),
      counter(sample, 'directory_locked_dns'),
      counter(sample, 'directory_locked_addresses'),
    ]),
    // As df's Use% and the move planner (agent/common/disk-use.ts): the blocks kept for root are
    // not space for mail. An agent before 2026-12 sends no available figure: used / size.
    diskShare: share(
      sample.disk.usedBytes,
      sample.disk.availableBytes === undefined
        ? sample.disk.totalBytes
        : sample.disk.usedBytes + sample.disk.availableBytes,
    ),
    memoryShare: share(sample.memory.usedBytes, sample.memory.totalBytes),
    cpuPercent: sample.cpu.percent,
    servicesRunning: sample.services.filter((s) => s.state === 'running').length,
    servicesTotal: sample.services.length,
  };
}

/** The fleet's totals across nodes that answer. */
export interface FleetTotals {
  total: number;
  up: number;
  notAnswering: number;
  mailboxes?: number;
  /** Store nodes not answering now: their mailboxes are not in `mailboxes`. */
  storesNotAnswering: number;
  sessions?: number;
  deliveriesPerMin?: number;
  failedLoginsPerMin?: number;
}

// The totals bar and the history both ask for the same snapshot's totals: computed once.
const totalsOf = new WeakMap<ConsoleFleetSnapshot, FleetTotals>();

/** Totals of a snapshot; figures count only nodes that are up (a dead node's last figures are old). */
export function fleetTotals(snapshot: ConsoleFleetSnapshot): FleetTotals {
  const known = totalsOf.get(snapshot);
  if (known) return known;
  const totals = computeTotals(snapshot);
  totalsOf.set(snapshot, totals);
  return totals;
}

function computeTotals(snapshot: ConsoleFleetSnapshot): FleetTotals {
  const up = snapshot.nodes.filter((n) => n.state === 'up');
  const figures = up.map(nodeFigures);
  return {
    total: snapshot.nodes.length,
    up: up.length,
    notAnswering: snapshot.nodes.length - up.length,
    mailboxes: sum(figures.map((f) => f.mailboxes)),
    storesNotAnswering: snapshot.nodes.filter((n) => n.role === 'store' && n.state !== 'up').length,
    sessions: sum(figures.map((f) => f.sessions)),
    deliveriesPerMin: sum(figures.map((f) => f.deliveriesPerMin)),
    failedLoginsPerMin: sum(figures.map((f) => f.failedLoginsPerMin)),
  };
}
