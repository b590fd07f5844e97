/**
 * `npm run bench -- director`: our director (its own process: RecipientRouter on the embedded
 * directory, durable MailQueue, LMTP transport, SMTP server) against Debian's Postfix configured as
 * the same relay (postfix-peer.ts), both relaying to one LMTP sink that acknowledges without storing:
 * - durable relay throughput, 4 KB messages, 50 sessions, connections reused and one per message
 *   (each run three times, the sides alternating which goes first; medians compared);
 * - routing lookup latency p50/p99, uncached then cached, as RCPT round trips on both (and, for ours
 *   alone, RecipientRouter.expand called in-process);
 * - greylist decisions per second: ours (benchGreylistDecisions, in-process) and postgrey through
 *   the policy protocol (a socket round trip per decision: not the same thing, said in the output).
 * - queue.list on 5,000 queued messages (ours only; Postfix's postqueue -j has no filters or pages).
 * Ratios above 1.0 mean we are better. `MAILFLEET_BENCH_CPU_PROF=DIR` writes a CPU profile of our
 * director process there and prints where its time went.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { FleetTree } from '../../agent/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../agent/directory/ldap-fleet-directory.js';
import {
  directoryBaseEntries,
  logicalStoreEntry,
  mailDomainEntry,
  mailUserEntry,
  serverEntry,
} from '../../agent/directory/seed-entries.js';
import { RecipientRouter } from '../../agent/mail/director/recipient-router.js';
import { benchGreylistDecisions } from '../../agent/mail/gateway/greylist-bench.js';
import { startEmbeddedDirectory } from '../../test/support/embedded-directory.js';
import { percentile, round } from '../stats.js';
import { summariseCpuProfiles } from './cpu-profile-summary.js';
import { startLmtpSink } from './lmtp-sink.js';
import { startPostfixPeer } from './postfix-peer.js';
import { postgreyDecisionsPerSecond, startPostgreyPeer } from './postgrey-peer.js';
import { measureQueueList } from './queue-list-measure.js';
import { timeRcpts } from './rcpt-latency.js';
import { type RelayResult, runRelayLoad } from './relay-load.js';

const domain = 'univ.bench';
const users = 3000;
const sessions = 50;
const reusedMessages = 2000;
const perConnectionMessages = 1000;
const concurrencyPerDestination = 20;
const repetitions = 3;
const address = (n: number) => `user${n}@${domain}`;
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => address(from + i));

async function startOurDirector(settings: Record<string, unknown>, profileDir: string | undefined) {
  const script = join(import.meta.dirname, 'director-child.js');
  const flags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...flags, script, JSON.stringify(settings)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout as NodeJS.ReadableStream }), 'line')) as [
    string,
  ];
  return { child, port: (JSON.parse(line) as { port: number }).port };
}

export async function runDirectorBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-director-'));
  // Postfix's and postgrey's daemons drop root: they must be able to reach their directories inside.
  await chmod(root, 0o755);
  const profileDir = process.env.MAILFLEET_BENCH_CPU_PROF;
  const sink = await startLmtpSink();
  const baseDn = 'dc=mailfleet,dc=bench';
  const tree = new FleetTree(baseDn);
  say(`seeding the embedded directory with ${users} users ...`);
  const directory = await startEmbeddedDirectory(baseDn, [
    ...directoryBaseEntries(tree),
    serverEntry(tree, {
      name: 'sink01',
      role: 'store',
      address: '127.0.0.1',
      controlPort: 1,
      endpoints: { lmtp: `127.0.0.1:${sink.port}` },
      password: 'sink01-secret',
    }),
    logicalStoreEntry(tree, { name: 'store01', servedBy: 'sink01' }),
    mailDomainEntry(tree, { name: domain }),
    ...Array.from({ length: users }, (_, n) =>
      mailUserEntry(tree, { mail: address(n), displayName: `User ${n}`, mailHost: 'store01' }),
    ),
  ]);
  const credentials = {
    url: directory.url,
    baseDn,
    bindDn: directory.rootDn,
    bindPassword: directory.rootPassword,
  };
  let ours: { child: ChildProcess; port: number } | undefined;
  let postfix: Awaited<ReturnType<typeof startPostfixPeer>> | undefined;
  let postgrey: Awaited<ReturnType<typeof startPostgreyPeer>> | undefined;
  try {
    say('starting our director and Postfix (postfix-ldap) ...');
    ours = await startOurDirector(
      {
        ldapUrl: directory.url,
        baseDn,
        bindDn: directory.rootDn,
        bindPassword: directory.rootPassword,
        queueRoot: join(root, 'queue'),
        concurrencyPerDestination,
      },
      profileDir,
    );
    postfix = await startPostfixPeer(join(root, 'postfix'), domain, sink.port, {
      url: directory.url,
      searchBase: tree.domains,
      bindDn: directory.rootDn,
      bindPassword: directory.rootPassword,
    });
    const sides = { mailfleet: ours.port, postfix: postfix.smtpPort };
    const relayUsers = range(0, 1000);
    // Warm-up: Postfix forks its daemons, ours fills its routing cache and LMTP pool; not counted.
    for (const port of Object.values(sides)) {
      await runRelayLoad({
        port,
        sink,
        recipients: relayUsers,
        messages: 200,
        sessions,
        reuseConnections: true,
      });
    }
    // Each run is repeated and the sides alternate which goes first, because the machine is shared:
    // the median of each side is compared, and every run is in the JSON line.
    const throughput: Record<string, Record<string, RelayResult>> = { mailfleet: {}, postfix: {} };
    const runs: Record<string, Record<string, RelayResult[]>> = { mailfleet: {}, postfix: {} };
    for (const [mode, reuse, messages] of [
      ['reused', true, reusedMessages],
      ['perMessage', false, perConnectionMessages],
    ] as const) {
      for (let repetition = 0; repetition < repetitions; repetition++) {
        const order = Object.entries(sides);
        if (repetition % 2 === 1) order.reverse();
        for (const [name, port] of order) {
          const result = await runRelayLoad({
            port,
            sink,
            recipients: relayUsers,
            messages,
            sessions,
            reuseConnections: reuse,
          });
          const byMode = runs[name] as Record<string, RelayResult[]>;
          byMode[mode] = [...(byMode[mode] ?? []), result];
          say(
            `relay ${mode.padEnd(10)} ${name.padEnd(9)} ${round(result.messagesPerSecond, 1)} msg/s ` +
              `(${messages} x 4 KB, ${sessions} sessions, ${round(result.seconds, 2)} s, ${result.sinkSessions} LMTP sessions)`,
          );
        }
      }
      for (const name of Object.keys(sides)) {
        const list = [...((runs[name] as Record<string, RelayResult[]>)[mode] ?? [])].sort(
          (a, b) => a.messagesPerSecond - b.messagesPerSecond,
        );
        (throughput[name] as Record<string, RelayResult>)[mode] = list[
          Math.floor(list.length / 2)
        ] as RelayResult;
      }
      say(
        `relay ${mode} medians of ${repetitions}: ` +
          Object.keys(sides)
            .map((name) => `${name} ${round(throughput[name]?.[mode]?.messagesPerSecond ?? 0, 1)} msg/s`)
            .join(', '),
      );
    }

    // Latency: addresses never looked up before (uncached), then the same again (cached).
    const latency: Record<string, Record<string, { p50Ms: number; p99Ms: number; count: number }>> = {};
    let from = 1000;
    for (const [name, port] of Object.entries(sides)) {
      const fresh = range(from, 400);
      from += 400;
      const uncached = await timeRcpts(port, fresh);
      const cached = await timeRcpts(port, fresh);
      latency[name] = { uncached, cached };
      say(
        `RCPT lookup ${name.padEnd(9)} uncached p50 ${round(uncached.p50Ms)} ms p99 ${round(uncached.p99Ms)} ms; ` +
          `cached p50 ${round(cached.p50Ms)} ms p99 ${round(cached.p99Ms)} ms`,
      );
    }
    const router = await routerLatency(credentials, range(from, 400));
    say(
      `RecipientRouter.expand in-process: uncached p50 ${round(router.uncached.p50Ms)} ms p99 ${round(router.uncached.p99Ms)} ms; ` +
        `cached p50 ${round(router.cached.p50Ms, 4)} ms p99 ${round(router.cached.p99Ms, 4)} ms`,
    );

    say('greylisting: ours in-process, postgrey over the policy protocol ...');
    const greylistOurs = benchGreylistDecisions(200_000);
    postgrey = await startPostgreyPeer(join(root, 'postgrey'));
    const greylistPeer = await postgreyDecisionsPerSecond(postgrey.port, 20_000, 4);
    say(
      `greylist decisions/s: ours ${greylistOurs.decisionsPerSecond} (in-process), postgrey ${Math.round(greylistPeer.decisionsPerSecond)} ` +
        '(policy protocol over a socket: includes a round trip per decision, so not like for like)',
    );

    const queueList = await measureQueueList();
    say(
      `queue.list on ${queueList.messages} queued messages, first page of 500 (p50): all ${round(queueList.allMs ?? 0)} ms, ` +
        `domain filter ${round(queueList.domainMs ?? 0)} ms, reason + age filter ${round(queueList.reasonAndAgeMs ?? 0)} ms (no peer)`,
    );

    const ratio = (a: number, b: number) => round(a / b, 3);
    const t = throughput as Record<'mailfleet' | 'postfix', Record<'reused' | 'perMessage', RelayResult>>;
    const l = latency as Record<
      'mailfleet' | 'postfix',
      Record<'uncached' | 'cached', { p50Ms: number; p99Ms: number }>
    >;
    const ratios = {
      relayReused: ratio(t.mailfleet.reused.messagesPerSecond, t.postfix.reused.messagesPerSecond),
      relayPerMessage: ratio(
        t.mailfleet.perMessage.messagesPerSecond,
        t.postfix.perMessage.messagesPerSecond,
      ),
      // Latency: Postfix time / ours, so above 1.0 is still better for us.
      rcptUncachedP50: ratio(l.postfix.uncached.p50Ms, l.mailfleet.uncached.p50Ms),
      rcptUncachedP99: ratio(l.postfix.uncached.p99Ms, l.mailfleet.uncached.p99Ms),
      rcptCachedP50: ratio(l.postfix.cached.p50Ms, l.mailfleet.cached.p50Ms),
      rcptCachedP99: ratio(l.postfix.cached.p99Ms, l.mailfleet.cached.p99Ms),
      greylist: ratio(greylistOurs.decisionsPerSecond, greylistPeer.decisionsPerSecond),
    };
    say(`ratios to Postfix (above 1.0 = mailfleet better): ${JSON.stringify(ratios)}`);
    say(
      `goal: relay throughput ratio >= 1.0: reused ${ratios.relayReused}, one connection per message ${ratios.relayPerMessage}`,
    );

    if (ours) {
      ours.child.kill('SIGTERM');
      await once(ours.child, 'exit');
      ours = undefined;
    }
    const profile = profileDir ? await summariseCpuProfiles(profileDir, 15) : undefined;
    if (profile) {
      say(`CPU profile of our director (${profileDir}), top self time:`);
      for (const line of profile) say(`  ${line}`);
    }
    return {
      throughput,
      throughputRuns: runs,
      latency: { ...latency, mailfleetRouterInProcess: router },
      greylist: { mailfleet: greylistOurs, postgrey: greylistPeer },
      queueList,
      ratios,
      settings: {
        users,
        sessions,
        reusedMessages,
        perConnectionMessages,
        concurrencyPerDestination,
        messageBytes: 4096,
      },
    };
  } finally {
    if (ours) {
      ours.child.kill('SIGTERM');
      await once(ours.child, 'exit');
    }
    await postfix?.stop();
    await postgrey?.stop();
    await sink.stop();
    await directory.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** RecipientRouter.expand timed in-process against the same directory, uncached then cached. */
async function routerLatency(
  credentials: { url: string; baseDn: string; bindDn: string; bindPassword: string },
  addresses: string[],
) {
  const ldap = LdapFleetDirectory.withPassword(credentials);
  try {
    const router = new RecipientRouter({ directory: ldap, clock: { now: () => Date.now() } });
    const time = async () => {
      const times: number[] = [];
      for (const a of addresses) {
        const started = process.hrtime.bigint();
        const expansion = await router.expand(a);
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        if (expansion.kind !== 'targets') throw new Error(`${a} did not expand: ${expansion.kind}`);
      }
      return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), count: times.length };
    };
    // One lookup outside the figures: it opens the LDAP connection and reads the domain lists.
    await router.expand(address(users - 1));
    const uncached = await time();
    const cached = await time();
    return { uncached, cached };
  } finally {
    await ldap.close();
  }
}
