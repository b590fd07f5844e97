/**
 * The gateway's spam figures for the console: counts per outcome per minute over the last hour, the
 * same per recipient domain and per client address (top ones), and the last decisions with their
 * reasons. Everything is bounded: a minute ring, capped maps per minute (the excess counted under
 * `(other)`), a capped list of decisions.
 */
import type { Clock } from '../../common/clock.js';
import {
  type authenticationChecks,
  type SpamOutcome,
  spamOutcomes,
} from '../../common/contract/gateway-figures.js';

/** One check's result for a message's From: domain (sender-authentication.ts). */
export interface AuthenticationOutcome {
  domain: string;
  results: Record<(typeof authenticationChecks)[number], string>;
}

/** Counts by outcome. */
export type OutcomeCounts = Record<SpamOutcome, number>;

/** One decision as recorded. */
export interface GatewayDecision {
  outcome: SpamOutcome;
  clientAddress: string;
  sender: string;
  recipient: string;
  /** Recipient domain (lower case). */
  domain: string;
  reason: string;
  score?: number;
}

/** Limits of what the statistics keep. */
export interface SpamStatisticsOptions {
  clock: Clock;
  /** Minutes in the ring (default 60). */
  minutes?: number;
  /** Decisions kept for the "last decisions" list (default 100). */
  lastDecisions?: number;
  /** Distinct domains counted per minute before the rest go to `(other)` (default 1,000). */
  maxDomainsPerMinute?: number;
  /** Distinct client addresses counted per minute before the rest go to `(other)` (default 2,000). */
  maxClientsPerMinute?: number;
  /** Client addresses in the snapshot's top list (default 20). */
  topClients?: number;
  /** Told every decision as it is counted (the mail trace). */
  onRecord?: (decision: GatewayDecision, at: number) => void;
}

/** The plain, JSON-serialisable snapshot the console shows. */
export interface SpamStatisticsSnapshot {
  generatedAt: number;
  windowMinutes: number;
  /** Oldest first, one entry per minute of the window (zeros included); `minute` is its start in ms. */
  perMinute: Array<{ minute: number } & OutcomeCounts>;
  totals: OutcomeCounts;
  /** Domains over the window, busiest first. */
  byDomain: Array<{ domain: string; total: number } & OutcomeCounts>;
  /** Client addresses over the window, busiest first, at most `topClients`. */
  topClients: Array<{ address: string; total: number } & OutcomeCounts>;
  /** The last decisions (at most `lastDecisions`, whatever their age), newest first. */
  lastDecisions: Array<GatewayDecision & { at: number }>;
  /** SPF, DKIM, DMARC, ARC results per From: domain over the window, most frequent first. */
  authentication: Array<{
    domain: string;
    check: (typeof authenticationChecks)[number];
    result: string;
    count: number;
  }>;
}

interface MinuteBucket {
  minute: number;
  counts: OutcomeCounts;
  byDomain: Map<string, OutcomeCounts>;
  byClient: Map<string, OutcomeCounts>;
  /** `domain\tcheck\tresult` to a count. */
  authentication: Map<string, number>;
}

const other = '(other)';

function zeroCounts(): OutcomeCounts {
  return Object.fromEntries(spamOutcomes.map((outcome) => [outcome, 0])) as OutcomeCounts;
}

/** Authentication results listed in a snapshot: the most frequent; the rest are noise for a screen. */
const maxAuthenticationRows = 200;

function addCounts(into: OutcomeCounts, from: OutcomeCounts): void {
  for (const outcome of spamOutcomes) into[outcome] += from[outcome];
}

function total(counts: OutcomeCounts): number {
  let sum = 0;
  for (const outcome of spamOutcomes) sum += counts[outcome];
  return sum;
}

function countIn(map: Map<string, OutcomeCounts>, key: string, limit: number, outcome: SpamOutcome): void {
  let counts = map.get(key);
  if (!counts) {
    const bucketKey = map.size >= limit ? other : key;
    counts = map.get(bucketKey);
    if (!counts) {
      counts = zeroCounts();
      map.set(bucketKey, counts);
    }
  }
  counts[outcome] += 1;
}

function ranked<K extends string>(
  maps: Array<Map<string, OutcomeCounts>>,
  keyName: K,
): Array<Record<K, string> & { total: number } & OutcomeCounts> {
  const sums = new Map<string, OutcomeCounts>();
  for (const map of maps) {
    for (const [key, counts] of map) {
      let sum = sums.get(key);
      if (!sum) {
        sum = zeroCounts();
        sums.set(key, sum);
      }
      addCounts(sum, counts);
    }
  }
  return [...sums]
    .map(
      ([key, counts]) =>
        ({ [keyName]: key, total: total(counts), ...counts }) as Record<K, string> & {
          total: number;
        } & OutcomeCounts,
    )
    .sort((a, b) => b.total - a.total || (a[keyName] < b[keyName] ? -1 : 1));
}

/** The statistics of one gateway. */
export class SpamStatistics {
  private readonly minutes: number;
  private readonly ring: Array<MinuteBucket | undefined>;
  private readonly recent: Array<GatewayDecision & { at: number }> = [];

  constructor(private readonly options: SpamStatisticsOptions) {
    this.minutes = options.minutes ?? 60;
    this.ring = new Array<MinuteBucket | undefined>(this.minutes).fill(undefined);
  }

  /** Counts one decision. */
  record(decision: GatewayDecision): void {
    const at = this.options.clock.now();
    this.options.onRecord?.(decision, at);
    const bucket = this.bucketFor(Math.floor(at / 60_000));
    bucket.counts[decision.outcome] += 1;
    countIn(bucket.byDomain, decision.domain, this.options.maxDomainsPerMinute ?? 1000, decision.outcome);
    countIn(
      bucket.byClient,
      decision.clientAddress,
      this.options.maxClientsPerMinute ?? 2000,
      decision.outcome,
    );
    this.recent.unshift({ ...decision, at });
    if (this.recent.length > (this.options.lastDecisions ?? 100)) this.recent.pop();
  }

  /** Counts one message's sender authentication results (per From: domain and check). */
  recordAuthentication(outcome: AuthenticationOutcome): void {
    const bucket = this.bucketFor(Math.floor(this.options.clock.now() / 60_000));
    const limit = (this.options.maxDomainsPerMinute ?? 1000) * 4;
    for (const [check, result] of Object.entries(outcome.results)) {
      let key = `${outcome.domain || '(none)'}\t${check}\t${result}`;
      if (!bucket.authentication.has(key) && bucket.authentication.size >= limit)
        key = `${other}\t${check}\t${result}`;
      bucket.authentication.set(key, (bucket.authentication.get(key) ?? 0) + 1);
    }
  }

  /** Counts of the last complete minute (the dashboard's "per minute" figures; cheap, no ranking). */
  lastMinute(): OutcomeCounts {
    const minute = Math.floor(this.options.clock.now() / 60_000) - 1;
    const bucket = this.ring[minute % this.minutes];
    return bucket && bucket.minute === minute ? { ...bucket.counts } : zeroCounts();
  }

  /**
   * The figures of the last `minutes` minutes, as a plain object. With `domains` (a department's),
   * only mail to those recipient domains: per minute and totals from their domain counts, their
   * decisions, and no client or From: domain lists (those mix every department's mail).
   */
  snapshot(domains?: ReadonlySet<string>): SpamStatisticsSnapshot {
    const full = this.wholeSnapshot();
    return domains ? forDomains(full, this.liveBuckets(), domains) : full;
  }

  private liveBuckets(): MinuteBucket[] {
    const current = Math.floor(this.options.clock.now() / 60_000);
    const live: MinuteBucket[] = [];
    for (let minute = current - this.minutes + 1; minute <= current; minute += 1) {
      const bucket = this.ring[minute % this.minutes];
      if (bucket && bucket.minute === minute) live.push(bucket);
    }
    return live;
  }

  private wholeSnapshot(): SpamStatisticsSnapshot {
    const now = this.options.clock.now();
    const current = Math.floor(now / 60_000);
    const live: MinuteBucket[] = [];
    const perMinute: SpamStatisticsSnapshot['perMinute'] = [];
    const totals = zeroCounts();
    for (let minute = current - this.minutes + 1; minute <= current; minute += 1) {
      const bucket = this.ring[minute % this.minutes];
      if (bucket && bucket.minute === minute) {
        live.push(bucket);
        addCounts(totals, bucket.counts);
        perMinute.push({ minute: minute * 60_000, ...bucket.counts });
      } else {
        perMinute.push({ minute: minute * 60_000, ...zeroCounts() });
      }
    }
    return {
      generatedAt: now,
      windowMinutes: this.minutes,
      perMinute,
      totals,
      byDomain: ranked(
        live.map((b) => b.byDomain),
        'domain',
      ),
      topClients: ranked(
        live.map((b) => b.byClient),
        'address',
      ).slice(0, this.options.topClients ?? 20),
      lastDecisions: this.recent.map((d) => ({ ...d })),
      authentication: authenticationRows(live),
    };
  }

  private bucketFor(minute: number): MinuteBucket {
    const index = minute % this.minutes;
    let bucket = this.ring[index];
    if (!bucket || bucket.minute !== minute) {
      // A slot from an hour ago (or never used) starts over for this minute.
      bucket = {
        minute,
        counts: zeroCounts(),
        byDomain: new Map(),
        byClient: new Map(),
        authentication: new Map(),
      };
      this.ring[index] = bucket;
    }
    return bucket;
  }
}

function authenticationRows(buckets: readonly MinuteBucket[]): SpamStatisticsSnapshot['authentication'] {
  const sums = new Map<string, number>();
  for (const bucket of buckets)
    for (const [key, count] of bucket.authentication) sums.set(key, (sums.get(key) ?? 0) + count);
  return [...sums]
    .map(([key, count]) => {
      const [domain = '', check = 'spf', result = ''] = key.split('\t');
      return { domain, check: check as (typeof authenticationChecks)[number], result, count };
    })
    .sort((a, b) => b.count - a.count || a.domain.localeCompare(b.domain) || a.check.localeCompare(b.check))
    .slice(0, maxAuthenticationRows);
}

/** A snapshot cut down to the mail of some recipient domains (a department's view). */
function forDomains(
  full: SpamStatisticsSnapshot,
  live: readonly MinuteBucket[],
  domains: ReadonlySet<string>,
): SpamStatisticsSnapshot {
  const byMinute = new Map<number, OutcomeCounts>();
  for (const bucket of live) {
    const counts = zeroCounts();
    for (const [domain, domainCounts] of bucket.byDomain)
      if (domains.has(domain)) addCounts(counts, domainCounts);
    byMinute.set(bucket.minute * 60_000, counts);
  }
  const totals = zeroCounts();
  for (const counts of byMinute.values()) addCounts(totals, counts);
  return {
    generatedAt: full.generatedAt,
    windowMinutes: full.windowMinutes,
    perMinute: full.perMinute.map(({ minute }) => ({ minute, ...(byMinute.get(minute) ?? zeroCounts()) })),
    totals,
    byDomain: full.byDomain.filter((row) => domains.has(row.domain)),
    topClients: [],
    lastDecisions: full.lastDecisions.filter((decision) => domains.has(decision.domain)),
    authentication: [],
  };
}
