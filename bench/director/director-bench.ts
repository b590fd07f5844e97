/**
 * `npm run bench -- director`: our director (its own process: RecipientRouter, durable MailQueue,
 * LMTP transport, SMTP server) against Debian's Postfix configured as a site runs it in front of its
 * stores (postfix-peer.ts: `relay_recipient_maps = proxy:ldap:`), both looking recipients up in
 * Debian's slapd holding the same users (bench-directory.ts) and relaying to Postfix's `smtp-sink -L`
 * (C, no greeting delay), which acknowledges without storing:
 * - durable relay throughput, 4 KB messages, 50 sessions, connections reused and one per message,
 *   each run three times with the sides taking turns going first, medians compared; once with
 *   nodemailer as the load (our director and Postfix), once with Postfix's `smtp-source` (C, a new
 *   recipient per message) for our director, Postfix and Postfix alone (no recipient table: the
 *   peer's standalone figure), with the ratios ours / Postfix in the bench and ours / Postfix alone;
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
import {
  type DirectoryCredentials,
  LdapFleetDirectory,
} from '../../agent/common/directory/ldap-fleet-directory.js';
import { RecipientRouter } from '../../agent/mail/director/inbound/recipient-router.js';
import { describeMachine } from '../machine.js';
import { percentile, round } from '../stats.js';
import { startSmtpSink } from '../support/smtp-sink.js';
import { startBenchDirectory } from './bench-directory.js';
import { summariseCpuProfiles } from './cpu-profile-summary.js';
import { measureDkimSigningCost } from './dkim-signing-cost.js';
import { benchGreylistDecisions } from './greylist-decisions.js';
import { peerFigures, peerSides } from './peer-figures.js';
import { startPostfixPeer } from './postfix-peer.js';
import { postgreyDecisionsPerSecond, startPostgreyPeer } from './postgrey-peer.js';
import { measureQueueList } from './queue-list-measure.js';
import { rcptReply, timeRcpts } from './rcpt-latency.js';
import { runNodemailerLoad, runSmtpSourceLoad } from './relay-load.js';
import { type RelayMode, rate, runRelayRounds } from './relay-rounds.js';

const domain = 'univ.bench';
const users = 4000;
const sessions = 50;
const modes: RelayMode[] = [
  { name: 'reused', reuseConnections: true, messages: 2000 },
  { name: 'perMessage', reuseConnections: false, messages: 1000 },
];
const concurrencyPerDestination = 20;
const repetitions = 3;
// `1user@univ.bench` ...: smtp-source -N puts the message's number in front of `user@univ.bench`.
const numbered = `user@${domain}`;
const address = (n: number) => `${n}${numbered}`;
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
  const sink = await startSmtpSink({ lmtp: true });
  say(`seeding slapd with ${users} users ...`);
  const directory = await startBenchDirectory({
    domain,
    addresses: range(1, users),
    sinkPort: sink.port,
  }).catch(async (error: unknown) => {
    await sink.stop();
    throw error;
  });
  const credentials = directory.credentials;
  let ours: { child: ChildProcess; port: number } | undefined;
  let postfix: Awaited<ReturnType<typeof startPostfixPeer>> | undefined;
  let postfixAlone: Awaited<ReturnType<typeof startPostfixPeer>> | undefined;
  let postgrey: Awaited<ReturnType<typeof startPostgreyPeer>> | undefined;
  try {
    say('starting our director, Postfix (proxy:ldap:) and Postfix alone (no recipient table) ...');
    ours = await startOurDirector(
      {
        ldapUrl: credentials.url,
        baseDn: credentials.baseDn,
        bindDn: credentials.bindDn,
        bindPassword: credentials.bindPassword,
        queueRoot: join(root, 'queue'),
        concurrencyPerDestination,
      },
      profileDir,
    );
    postfix = await startPostfixPeer(join(root, 'postfix'), domain, sink.port, {
      url: credentials.url,
      searchBase: directory.usersBase,
      bindDn: credentials.bindDn,
      bindPassword: credentials.bindPassword,
    });
    postfixAlone = await startPostfixPeer(join(root, 'postfix-alone'), domain, sink.port, undefined);
    const sides = {
      [peerSides.ours]: ours.port,
      [peerSides.inBench]: postfix.smtpPort,
      [peerSides.alone]: postfixAlone.smtpPort,
    };
    // Each side's recipient check, shown: an address not in the directory is refused by the two that
    // look recipients up, and accepted by Postfix alone, which has no table.
    const unknown = `nobody@${domain}`;
    const unknownReplies: Record<string, string> = {};
    for (const [name, port] of Object.entries(sides)) unknownReplies[name] = await rcptReply(port, unknown);
    say(
      `RCPT TO:<${unknown}> (not in the directory): ` +
        Object.entries(unknownReplies)
          .map(([name, reply]) => `${name} "${reply}"`)
          .join(', '),
    );
    const refuses = (name: string) => unknownReplies[name]?.startsWith('5') === true;
    if (!refuses(peerSides.ours) || !refuses(peerSides.inBench) || refuses(peerSides.alone))
      throw new Error('a relay does not check recipients as the bench sets it up (replies above)');
    const relayUsers = range(1, 1000);
    // Warm-up: Postfix forks its daemons, ours opens its LDAP and LMTP connections; not counted.
    for (const port of Object.values(sides)) {
      const warmUp = { port, sink, messages: 200, sessions, reuseConnections: true };
      await runNodemailerLoad({ ...warmUp, recipients: relayUsers });
      await runSmtpSourceLoad({ ...warmUp, numbered });
    }
    const nodemailer = await runRelayRounds({
      client: 'nodemailer',
      sides: { [peerSides.ours]: ours.port, [peerSides.inBench]: postfix.smtpPort },
      modes,
      repetitions,
      sessions,
      run: (port, mode) =>
        runNodemailerLoad({
          port,
          sink,
          recipients: relayUsers,
          messages: mode.messages,
          sessions,
          reuseConnections: mode.reuseConnections,
        }),
      say,
    });
    const smtpSource = await runRelayRounds({
      client: 'smtp-source',
      sides,
      modes,
      repetitions,
      sessions,
      run: (port, mode) =>
        runSmtpSourceLoad({
          port,
          sink,
          numbered,
          messages: mode.messages,
          sessions,
          reuseConnections: mode.reuseConnections,
        }),
      say,
    });
    const peers = peerFigures(
      smtpSource,
      [
        { name: 'reused', label: 'connections reused' },
        { name: 'perMessage', label: 'one connection per message' },
      ],
      say,
    );

    // Latency: addresses no run above used (uncached), then the same again (cached). Postfix alone
    // has no table to look in: its RCPT is not a lookup.
    const latency: Record<string, Record<string, { p50Ms: number; p99Ms: number; count: number }>> = {};
    let from = 2001;
    for (const [name, port] of Object.entries(sides).filter(([name]) => name !== peerSides.alone)) {
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

    const dkimSigning = await measureDkimSigningCost({
      root,
      directory: credentials,
      domain,
      sink,
      recipients: relayUsers,
      sessions,
      concurrencyPerDestination,
      say,
    });

    const ratio = (a: number, b: number) => round(a / b, 3);
    const l = latency as Record<
      'mailfleet' | 'postfix',
      Record<'uncached' | 'cached', { p50Ms: number; p99Ms: number }>
    >;
    const relay = (mode: string) =>
      ratio(
        rate(nodemailer.medians, peerSides.ours, mode),
        rate(nodemailer.medians, peerSides.inBench, mode),
      );
    const ratios = {
      // nodemailer load, ours / Postfix in the bench.
      relayReused: relay('reused'),
      relayPerMessage: relay('perMessage'),
      // smtp-source load, ours / Postfix in the bench and ours / Postfix alone.
      smtpSourceReused: peers.reused?.oursToPostfixInBench,
      smtpSourcePerMessage: peers.perMessage?.oursToPostfixInBench,
      smtpSourceReusedToPostfixAlone: peers.reused?.oursToPostfixAlone,
      smtpSourcePerMessageToPostfixAlone: peers.perMessage?.oursToPostfixAlone,
      // Latency: Postfix time / ours, so above 1.0 is still better for us.
      rcptUncachedP50: ratio(l.postfix.uncached.p50Ms, l.mailfleet.uncached.p50Ms),
      rcptUncachedP99: ratio(l.postfix.uncached.p99Ms, l.mailfleet.uncached.p99Ms),
      rcptCachedP50: ratio(l.postfix.cached.p50Ms, l.mailfleet.cached.p50Ms),
      rcptCachedP99: ratio(l.postfix.cached.p99Ms, l.mailfleet.cached.p99Ms),
      greylist: ratio(greylistOurs.decisionsPerSecond, greylistPeer.decisionsPerSecond),
    };
    say(`ratios to Postfix (above 1.0 = mailfleet better): ${JSON.stringify(ratios)}`);
    const loadAtEnd = describeMachine().load1;
    say(`load at the end: ${loadAtEnd}`);
    say(
      `goal: relay throughput ratio >= 1.0: nodemailer reused ${ratios.relayReused}, one connection per message ${ratios.relayPerMessage}; ` +
        `smtp-source reused ${ratios.smtpSourceReused}, one connection per message ${ratios.smtpSourcePerMessage}`,
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
      throughput: { nodemailer: nodemailer.medians, smtpSource: smtpSource.medians },
      throughputRuns: { nodemailer: nodemailer.runs, smtpSource: smtpSource.runs },
      peers,
      unknownRecipientReplies: unknownReplies,
      loadAtEnd,
      latency: { ...latency, mailfleetRouterInProcess: router },
      greylist: { mailfleet: greylistOurs, postgrey: greylistPeer },
      queueList,
      dkimSigning,
      ratios,
      settings: {
        users,
        sessions,
        modes,
        repetitions,
        concurrencyPerDestination,
        messageBytes: 4096,
        directory: 'slapd',
        sink: 'smtp-sink -L',
      },
    };
  } finally {
    if (ours) {
      ours.child.kill('SIGTERM');
      await once(ours.child, 'exit');
    }
    await postfix?.stop();
    await postfixAlone?.stop();
    await postgrey?.stop();
    await sink.stop();
    await directory.stop();
    await rm(root, { recursive: true, force: true });
  }
}

/** RecipientRouter.expand timed in-process against the same directory, uncached then cached. */
async function routerLatency(credentials: DirectoryCredentials, addresses: string[]) {
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
    await router.expand(address(users));
    const uncached = await time();
    const cached = await time();
    return { uncached, cached };
  } finally {
    await ldap.close();
  }
}
