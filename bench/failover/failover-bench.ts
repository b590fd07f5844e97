/**
 * `npm run bench -- failover`: the RTO of a failover over 10 failovers (failover-rto.ts,
 * docs/failover.md), then the cost of RPO 0 (docs/replication.md). For the second, a two-store lab
 * (real agents) and Debian's Dovecot started in the same run, the same LMTP client for all three:
 * - store01 without a replica (nothing placed in the directory);
 * - the same store01 with its replica on store02 (each LMTP 250 waits for store02's ack after its
 *   fsync), once store01 says it is protected;
 * - Dovecot (the store bench's peer, its durable settings).
 * 4 KB messages, 20 concurrent LMTP connections. Ratios above 1.0 mean we are faster.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFleet } from '../../main/core/open-fleet.js';
import { round } from '../stats.js';
import { startDovecotPeer } from '../store/dovecot-peer.js';
import { lmtpLoad } from '../store/lmtp-load.js';
import { startBenchLab } from '../support/bench-lab.js';
import { measureFailoverRto } from './failover-rto.js';

const messages = 3000;
const concurrency = 20;

function lmtpPortOf(endpoint: string | undefined): number {
  const value = Number(endpoint?.split(':').pop());
  if (!Number.isInteger(value) || value <= 0) throw new Error('store01 publishes no LMTP endpoint');
  return value;
}

export async function runFailoverBench(say: (line: string) => void): Promise<Record<string, unknown>> {
  const loadAtStart = loadavg()[0] ?? 0;
  const root = await mkdtemp(join(tmpdir(), 'mailfleet-bench-failover-'));
  say(`starting a lab of three stores and a spare for the RTO (load ${round(loadavg()[0] ?? 0, 2)}) ...`);
  const rtoLab = await startBenchLab(join(root, 'rto-lab'), [
    '--stores',
    '3',
    '--spares',
    '1',
    '--users',
    '60',
    '--domains',
    '1',
  ]);
  let rto: Record<string, unknown>;
  try {
    rto = await measureFailoverRto(rtoLab, say);
  } catch (error) {
    await rtoLab.stop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  await rtoLab.stop();
  say('starting a two-store lab and Dovecot ...');
  const lab = await startBenchLab(join(root, 'lab'), [
    '--stores',
    '2',
    '--spares',
    '0',
    '--users',
    '40',
    '--domains',
    '1',
  ]);
  const open = await openFleet(lab.profile, { subscribe: false });
  try {
    await open.fleet.settled(10_000);
    const store = lab.profile.nodes.find((n) => n.name === 'store01');
    const lmtpPort = lmtpPortOf(store?.services.lmtp);
    const users = lab.users.filter((u) => u.store === 'store01');
    if (users.length === 0) throw new Error('the lab put no user on store01');
    const recipients = users.map((u) => u.address);
    const rates: Record<string, number> = {};
    const load = async (name: string, port: number) => {
      const result = await lmtpLoad({ port, recipients, messages, concurrency });
      if (result.failed > 0)
        throw new Error(`${name} refused ${result.failed} deliveries: ${result.firstFailure}`);
      rates[name] = result.perSecond;
      say(
        `${name}: LMTP ${messages} x 4 KB, ${concurrency} concurrent: ${round(result.perSecond, 0)} messages/s (load ${round(loadavg()[0] ?? 0, 2)})`,
      );
    };

    await open.directory.setReplicaNode('store01', undefined);
    await load('without replica', lmtpPort);

    say('placing the replica of store01 on store02 and waiting for store01 to say protected ...');
    await open.directory.setReplicaNode('store01', 'store02');
    const waitStart = Date.now();
    for (;;) {
      const status = await open.fleet.call('store01', 'replication.status', {}).catch(() => undefined);
      const stream = status?.streams.find((s) => s.store === 'store01');
      if (stream?.state === 'protected' && stream.lagChanges === 0) break;
      if (Date.now() - waitStart > 120_000)
        throw new Error(`store01 is not protected: ${JSON.stringify(stream)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await load('with replica (RPO 0)', lmtpPort);
    const after = await open.fleet.call('store01', 'replication.status', {});
    const stream = after.streams.find((s) => s.store === 'store01');
    if (stream?.state !== 'protected')
      throw new Error(`store01 went ${stream?.state} during the run: ${stream?.reason ?? ''}`);

    const dovecot = await startDovecotPeer(join(root, 'dovecot'), users);
    try {
      await load('Dovecot', dovecot.lmtpPort);
    } finally {
      await dovecot.stop();
    }
    const replicated = rates['with replica (RPO 0)']!;
    const ratios = {
      replicatedVsUnreplicated: round(replicated / rates['without replica']!, 2),
      replicatedVsDovecot: round(replicated / rates.Dovecot!, 2),
      unreplicatedVsDovecot: round(rates['without replica']! / rates.Dovecot!, 2),
    };
    say(`with replica / without: ${ratios.replicatedVsUnreplicated}`);
    say(
      `with replica / Dovecot: ${ratios.replicatedVsDovecot} (without replica / Dovecot: ${ratios.unreplicatedVsDovecot})`,
    );
    return {
      rto,
      load1Before: round(loadAtStart, 2),
      lmtpMessages: messages,
      concurrency,
      messageBytes: 4096,
      perSecond: {
        withoutReplica: round(rates['without replica']!, 1),
        withReplica: round(replicated, 1),
        dovecot: round(rates.Dovecot!, 1),
      },
      ratios,
      load1After: round(loadavg()[0] ?? 0, 2),
    };
  } finally {
    await open.close();
    await lab.stop();
    await rm(root, { recursive: true, force: true });
  }
}
