/**
 * `mailfleet lab traffic`: offers a realistic mix of mail to a running lab for a while, then stops
 * on its own. Arrivals are a Poisson process at `--rate`; mail from outside goes to the gateway,
 * mail between users to the director; a greylisted message is tried again after the delay the
 * gateway announced, as a real mail server would; mail-client logins (IMAP and POP3 through the
 * director's proxy) run beside it. Everything goes to loopback, and the run is bounded in time and
 * in open transactions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { imapSession, pop3Session } from './mail-client-logins.js';
import { SeededRandom } from './seeded-random.js';
import { sendMessage } from './smtp-sender.js';
import { composeTrafficMessage } from './traffic-mail.js';
import { type PlannedMessage, planMessage } from './traffic-mix.js';
import type { TrafficOptions } from './traffic-options.js';
import { type AcceptedMessage, type TrafficSummary, TrafficTally } from './traffic-tally.js';
import type { TrafficTargets } from './traffic-targets.js';

/** What a finished run reports. */
export interface TrafficRun {
  /** Run id, the prefix of every message's X-Mailfleet-Traffic tag. */
  run: string;
  summary: TrafficSummary;
  accepted: AcceptedMessage[];
}

// More open transactions than this means the servers are not keeping up: arrivals are counted, not sent.
const maxOpenTransactions = 200;
const progressEveryMs = 10_000;

/** Runs traffic against `targets` until the duration ends or `signal` aborts. */
export async function runTraffic(
  targets: TrafficTargets,
  options: TrafficOptions,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<TrafficRun> {
  const run = `t${Date.now().toString(36)}`;
  // Two streams: the mail mix must not depend on how the login loop's draws interleave with it.
  const random = new SeededRandom(options.seed);
  const loginRandom = new SeededRandom(options.seed ^ 0x9e3779b9);
  const tally = new TrafficTally();
  const startedAt = Date.now();
  const deadline = startedAt + options.durationMs;
  // Transactions under way, each a message or a mail-client session.
  const open = new Map<Promise<void>, 'message' | 'login'>();
  const retries = new Set<NodeJS.Timeout>();
  const track = (work: Promise<void>, what: 'message' | 'login' = 'message') => {
    open.set(work, what);
    void work.finally(() => open.delete(work));
  };

  const attempt = async (planned: PlannedMessage, raw: Buffer, retry: boolean): Promise<void> => {
    const outcome = await sendMessage(planned.endpoint, planned.envelope, raw, planned.localAddress);
    tally.outcome(
      { tag: planned.spec.tag, kind: planned.kind, to: planned.envelope.to, charset: planned.spec.charset },
      outcome,
      retry,
    );
    if (outcome.kind !== 'greylisted') return;
    const retryAt = Date.now() + outcome.retryAfterMs + 1000;
    if (retryAt >= deadline || signal?.aborted) {
      tally.leftGreylisted();
      return;
    }
    const timer = setTimeout(() => {
      retries.delete(timer);
      track(attempt(planned, raw, true));
    }, retryAt - Date.now());
    retries.add(timer);
  };

  const sendLoop = async () => {
    for (let n = 1; Date.now() < deadline && !signal?.aborted; n++) {
      if (!(await pause(random.exponentialSeconds(options.ratePerSecond) * 1000, deadline, signal))) break;
      const planned = planMessage(run, n, targets, options.spamShare, random);
      tally.offered(planned.kind, planned.spec.charset);
      if (open.size >= maxOpenTransactions) {
        tally.skipped();
        continue;
      }
      const raw = await composeTrafficMessage(planned.spec, random);
      track(attempt(planned, raw, false));
    }
  };

  const loginLoop = async () => {
    const protocols = [
      ...(targets.imap ? ['imap' as const] : []),
      ...(targets.pop3s ? ['pop3' as const] : []),
    ];
    if (protocols.length === 0 || options.loginsPerSecond === 0) return;
    while (Date.now() < deadline && !signal?.aborted) {
      if (!(await pause(loginRandom.exponentialSeconds(options.loginsPerSecond) * 1000, deadline, signal)))
        break;
      if (open.size >= maxOpenTransactions) continue;
      const user = loginRandom.pick(targets.users);
      // Most people read with a desktop program (IMAP); some phones still poll with POP3.
      const protocol = protocols.length === 1 || loginRandom.chance(0.7) ? protocols[0] : protocols[1];
      const session =
        protocol === 'imap' && targets.imap
          ? imapSession(targets.imap, user, targets.ca)
          : targets.pop3s
            ? pop3Session(targets.pop3s, user, targets.ca)
            : undefined;
      if (!session) continue;
      track(
        session.then((outcome) =>
          tally.login(protocol ?? 'imap', outcome.ok, outcome.ok ? undefined : outcome.reason),
        ),
        'login',
      );
    }
  };

  const ticker = setInterval(() => progress(tally.progressLine(Date.now() - startedAt)), progressEveryMs);
  try {
    await Promise.all([sendLoop(), loginLoop()]);
  } finally {
    clearInterval(ticker);
    for (const timer of retries) {
      clearTimeout(timer);
      tally.leftGreylisted();
    }
    retries.clear();
    // After the duration, transactions under way may still end for options.endGraceMs; those still
    // open then are counted as in flight (their outcome is not known), not waited for: a slow fleet
    // must not hold the summary back, or lose it.
    await drain(open, options.endGraceMs);
    // What has not ended by now is counted as in flight; the summary is a copy made now.
    for (const what of open.values()) tally.inFlight(what);
  }
  progress(`done: ${tally.progressLine(Date.now() - startedAt)}`);
  return { run, summary: tally.summary(), accepted: [...tally.accepted] };
}

/**
 * Waits until every open transaction has ended (retries of greylisted mail cannot start any more)
 * or `graceMs` has passed. The timer also keeps Node's event loop alive while it waits.
 */
async function drain(open: Map<Promise<void>, unknown>, graceMs: number): Promise<void> {
  const controller = new AbortController();
  const grace = sleep(graceMs, undefined, { signal: controller.signal }).catch(() => {});
  let timedOut = false;
  void grace.then(() => {
    timedOut = true;
  });
  try {
    while (open.size > 0 && !timedOut) await Promise.race([Promise.allSettled([...open.keys()]), grace]);
  } finally {
    controller.abort();
  }
}

/** Waits `ms` unless the deadline comes first or the run is aborted; false when the run should stop. */
async function pause(ms: number, deadline: number, signal: AbortSignal | undefined): Promise<boolean> {
  const wait = Math.min(ms, deadline - Date.now());
  if (wait > 0) {
    try {
      await sleep(wait, undefined, signal ? { signal } : undefined);
    } catch {
      return false;
    }
  }
  return Date.now() < deadline && !signal?.aborted;
}
