/**
 * The RTO part of `npm run bench -- failover` (docs/failover.md): a lab with three store nodes and
 * a spare (real agents, a real director and proxy), store01's replica on store02. Ten times: the
 * node serving store01 is killed with SIGKILL (`mailfleet lab kill`), the failover is started as
 * the console's button starts it (planFailover + startFailover, the next node as new replica), and
 * two clocks run from that click: the first IMAP login of a store01 user through the director's
 * proxy (imapflow as `lab traffic` logs in: STARTTLS with the lab CA, INBOX opened; tried every 100 ms) and the first LMTP 250 for that
 * user from the node the directory names as serving store01 (tried every 100 ms). Then the job is
 * waited for (the new replica in step, then the switch-over to the spare, whose pause is recorded),
 * the killed node started again, and the next round fails the store over again among the three
 * (the spare serves it now, the replica stays; the killed node comes back fenced and is the next
 * spare).
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import type { FailoverJobView } from '../../agent/common/contract/failover-contract.js';
import { planFailover, startFailover } from '../../main/core/failover/failover-plan.js';
import { openFleet } from '../../main/core/open-fleet.js';
import { imapSession } from '../../main/lab/traffic/mail-client-logins.js';
import { sendTestMessage } from '../../test/support/agent-processes.js';
import { runMailfleet } from '../../test/support/lab-process.js';
import { percentile, round } from '../stats.js';
import type { BenchLab } from '../support/bench-lab.js';

const rounds = 10;

function portOf(endpoint: string | undefined, what: string): number {
  const value = Number(endpoint?.split(':').pop());
  if (!Number.isInteger(value) || value <= 0) throw new Error(`no ${what} endpoint`);
  return value;
}

/** Polls `attempt` every 100 ms until it resolves true; resolves with the time it did. */
async function firstSuccess(attempt: () => Promise<boolean>, deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await attempt().catch(() => false)) return Date.now();
    if (Date.now() > end) throw new Error(`no success within ${deadlineMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Measures `rounds` failovers of store01 on a running lab (3 stores, 1 spare). */
export async function measureFailoverRto(
  lab: BenchLab,
  say: (line: string) => void,
): Promise<Record<string, unknown>> {
  const open = await openFleet(lab.profile, { subscribe: false });
  const ca = await readFile(lab.profile.endpoints.tlsCaFile ?? '', 'utf8');
  const director = lab.profile.nodes.find((n) => n.name === 'director01');
  const imapPort = portOf(director?.services.imap, 'proxy IMAP');
  const user = lab.users.find((u) => u.store === 'store01');
  if (!user) throw new Error('the lab put no user on store01');
  const login = async () => (await imapSession({ host: '127.0.0.1', port: imapPort }, user, ca)).ok;
  const lmtp = async (n: number, killed: string) => {
    const entry = await open.directory.getLogicalStore('store01');
    if (!entry || entry.servedBy === killed) return false;
    const server = await open.directory.getServer(entry.servedBy);
    return sendTestMessage({
      port: portOf(server?.endpoints.lmtp, 'LMTP'),
      lmtp: true,
      to: user.address,
      messageId: `rto-${n}-${Date.now()}@bench.test`,
      body: 'the first delivery after a failover',
    });
  };
  const waitProtected = async (node: string) => {
    const start = Date.now();
    for (;;) {
      const status = await open.fleet.call(node, 'replication.status', {}).catch(() => undefined);
      const stream = status?.streams.find((s) => s.store === 'store01');
      if (stream?.state === 'protected' && stream.lagChanges === 0) return;
      if (Date.now() - start > 180_000)
        throw new Error(`store01 is not protected on ${node}: ${JSON.stringify(stream)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const waitJob = async (node: string, job: string): Promise<FailoverJobView> => {
    const start = Date.now();
    for (;;) {
      const found = (await open.fleet.call(node, 'failover.list', {}).catch(() => undefined))?.jobs.find(
        (j) => j.job === job,
      );
      if (found?.step === 'done') return found;
      if (found?.step === 'failed') throw new Error(`failover ${job} failed: ${found.error}`);
      if (Date.now() - start > 300_000) throw new Error(`failover ${job} did not end: ${found?.step}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  const toLogin: number[] = [];
  const toLmtp: number[] = [];
  const loads: number[] = [];
  const switchPauses: number[] = [];
  try {
    await open.fleet.settled(10_000);
    await open.directory.setReplicaNode('store01', 'store02');
    const nodes = ['store01', 'store02', 'spare01'];
    for (let n = 0; n < rounds; n++) {
      // Each failover ends with the switch-over to the spare: the spare serves store01 and the
      // node that took it over keeps the replica; the killed node, started again, is the next spare.
      const entry = await open.directory.getLogicalStore('store01');
      const serving = entry?.servedBy ?? 'store01';
      const replica = entry?.replicaNode ?? 'store02';
      const spare = nodes.find((node) => node !== serving && node !== replica)!;
      await waitProtected(serving);
      const killed = await runMailfleet(lab.home, 'lab', 'kill', serving, '--home', lab.home);
      if (killed.code !== 0) throw new Error(`lab kill ${serving}: ${killed.stderr}`);
      const [stores, servers] = await Promise.all([
        open.directory.listLogicalStores(),
        open.directory.listServers(),
      ]);
      const plan = planFailover(stores, servers, 'store01', spare);
      if ('refusal' in plan) throw new Error(plan.refusal);
      const clickedAt = Date.now();
      const job = await startFailover(open.directory, open.fleet, plan);
      const [loggedIn, delivered] = await Promise.all([
        firstSuccess(login, 120_000),
        firstSuccess(() => lmtp(n, serving), 120_000),
      ]);
      toLogin.push(loggedIn - clickedAt);
      toLmtp.push(delivered - clickedAt);
      loads.push(loadavg()[0] ?? 0);
      say(
        `failover ${n + 1}/${rounds} ${serving} -> ${replica} (new replica ${spare}): first IMAP login ${((loggedIn - clickedAt) / 1000).toFixed(2)} s, first LMTP 250 ${((delivered - clickedAt) / 1000).toFixed(2)} s after the click (load ${round(loadavg()[0] ?? 0, 2)})`,
      );
      const ended = await waitJob(replica, job.job);
      if (ended.switchPauseMs !== undefined) {
        switchPauses.push(ended.switchPauseMs);
        say(
          `switch-over ${n + 1}/${rounds} ${replica} -> ${spare}: mail and logins held ${(ended.switchPauseMs / 1000).toFixed(2)} s (load ${round(loadavg()[0] ?? 0, 2)})`,
        );
      }
      const started = await runMailfleet(lab.home, 'lab', 'start', serving, '--home', lab.home);
      if (started.code !== 0) throw new Error(`lab start ${serving}: ${started.stderr}`);
      await open.fleet.settled(10_000);
    }
  } finally {
    await open.close();
  }
  const figure = (values: number[]) => ({
    p50Seconds: round(percentile(values, 50) / 1000, 2),
    maxSeconds: round(Math.max(...values) / 1000, 2),
  });
  const loginFigure = figure(toLogin);
  const lmtpFigure = figure(toLmtp);
  say(
    `RTO over ${rounds} failovers: first IMAP login p50 ${loginFigure.p50Seconds} s, max ${loginFigure.maxSeconds} s`,
  );
  say(
    `RTO over ${rounds} failovers: first LMTP 250 p50 ${lmtpFigure.p50Seconds} s, max ${lmtpFigure.maxSeconds} s (goal <= 10 s)`,
  );
  const switchFigure = switchPauses.length > 0 ? figure(switchPauses) : undefined;
  if (switchFigure)
    say(
      `switch-over to the spare over ${switchPauses.length} failovers: mail and logins held p50 ${switchFigure.p50Seconds} s, max ${switchFigure.maxSeconds} s (goal <= 2 s)`,
    );
  return {
    failovers: rounds,
    firstImapLogin: loginFigure,
    firstLmtp250: lmtpFigure,
    ...(switchFigure ? { switchOverPause: { ...switchFigure, goalSeconds: 2 } } : {}),
    goalSeconds: 10,
    met: loginFigure.maxSeconds <= 10 && lmtpFigure.maxSeconds <= 10,
    loadDuring: { min: round(Math.min(...loads), 2), max: round(Math.max(...loads), 2) },
  };
}
