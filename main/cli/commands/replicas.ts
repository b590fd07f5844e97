/**
 * `mailfleet replicas`: where each logical store's replica lives and how it keeps up
 * (docs/replication.md); `mailfleet replicas place STORE --on NODE|--none` and
 * `mailfleet replicas ring [--dry-run]` write the placement in the directory with the admin's own
 * bind: the directory lets only a system admin write it.
 */
import { parseArgs } from 'node:util';
import type { StoreReplication } from '../../../agent/common/contract/node-metrics.js';
import { placementRefusal, ringPlacement } from '../../../agent/common/directory/replica-placement.js';
import { formatTable } from '../output.js';
import { answerTimeoutMs, openFleetFromFlag } from './fleet-options.js';

const usage =
  'usage: mailfleet replicas [--json] | replicas place STORE (--on NODE | --none) | replicas ring [--dry-run] [--fleet FILE]';

export async function replicasCommand(argv: string[], out: (text: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      fleet: { type: 'string' },
      json: { type: 'boolean', default: false },
      on: { type: 'string' },
      none: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [action, storeName] = positionals;
  if (action !== undefined && action !== 'place' && action !== 'ring') throw new Error(usage);
  if (action === 'place' && (!storeName || (values.on === undefined) === !values.none))
    throw new Error(usage);
  const open = await openFleetFromFlag(values.fleet, false);
  try {
    const [stores, servers] = await Promise.all([
      open.directory.listLogicalStores(),
      open.directory.listServers(),
    ]);
    if (action === 'place') {
      const store = stores.find((s) => s.name === storeName);
      if (!store) throw new Error(`there is no logical store ${storeName}`);
      if (values.on !== undefined) {
        const refusal = placementRefusal(store, values.on, servers);
        if (refusal) throw new Error(refusal);
      }
      await open.directory.setReplicaNode(store.name, values.none ? undefined : values.on);
      out(
        values.none
          ? `${store.name} has no replica now`
          : `the replica of ${store.name} is placed on ${values.on}`,
      );
      return 0;
    }
    if (action === 'ring') {
      const placements = ringPlacement(stores, servers).filter(
        (p) => stores.find((s) => s.name === p.store)?.replicaNode !== p.replicaNode,
      );
      for (const p of placements) {
        if (!values['dry-run']) await open.directory.setReplicaNode(p.store, p.replicaNode);
        out(`${values['dry-run'] ? 'would place' : 'placed'} the replica of ${p.store} on ${p.replicaNode}`);
      }
      if (placements.length === 0) out('every store already has its ring placement');
      return 0;
    }
    await open.fleet.settled(answerTimeoutMs);
    const streams = new Map<string, StoreReplication>();
    for (const store of stores) {
      if (!store.replicaNode || streams.has(store.name)) continue;
      const answer = await open.fleet.call(store.servedBy, 'replication.status', {}).catch(() => undefined);
      for (const stream of answer?.streams ?? []) streams.set(stream.store, stream);
    }
    const rows = stores.map((store) => {
      const stream = streams.get(store.name);
      return {
        store: store.name,
        servedBy: store.servedBy,
        replicaNode: store.replicaNode ?? '',
        state: !store.replicaNode ? 'no replica' : (stream?.state ?? 'unknown (no answer)'),
        lagChanges: stream?.lagChanges ?? 0,
        lagSeconds: stream?.lagSeconds ?? 0,
      };
    });
    out(
      values.json
        ? JSON.stringify(rows, null, 2)
        : formatTable(
            ['STORE', 'SERVED BY', 'REPLICA', 'STATE', 'LAG'],
            rows.map((r) => [
              r.store,
              r.servedBy,
              r.replicaNode || '-',
              r.state,
              r.state === 'catching-up' ? `${r.lagChanges} changes, ${r.lagSeconds} s` : '',
            ]),
          ),
    );
    return rows.every((r) => r.state === 'protected' || r.state === 'no replica') ? 0 : 1;
  } finally {
    await open.close();
  }
}
