/**
 * What the failover tests share: a fleet of real agents (replication-fleet.ts, with spare01), IMAP
 * through the director's proxy, mail through the director every 100 ms, and the checks.
 */
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect } from 'vitest';
import type { FailoverJobView } from '../../../agent/common/contract/failover-contract.js';
import { type CompiledAgent, compileAgent } from '../../support/compiled-agent.js';
import {
  eventually,
  type ReplicationFleet,
  type ReplicationFleetOptions,
  type ReplicationNode,
  replPassword,
  replUser,
  startReplicationFleet,
} from '../replication/replication-fleet.js';

/** The users of the tests (on store01 at the start). */
export const users = [1, 2, 3, 4].map(replUser);

let fleet: ReplicationFleet;

/**
 * Starts the suite's fleet (with spare01) before its tests and stops it after; the helpers use it.
 * Returns a getter for the tests.
 */
export function failoverFleet(options: ReplicationFleetOptions = {}): () => ReplicationFleet {
  let compiled: CompiledAgent | undefined;
  beforeAll(async () => {
    compiled = await compileAgent();
    fleet = await startReplicationFleet(compiled, users.length, { spare: true, ...options });
  }, 240_000);
  afterAll(async () => {
    await fleet?.stop();
    await compiled?.remove();
  }, 60_000);
  return () => fleet;
}

/** Waits until store01's primary says its replica is in step. */
export async function store01Protected(): Promise<void> {
  await eventually(async () => ((await fleet.stream()).state === 'protected' ? true : undefined));
}

/** An IMAP client of `user` on a port (the director's proxy unless told). */
export async function imapLogin(user: string, port = fleet.ports.director01.imap!): Promise<ImapFlow> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: replPassword },
    logger: false,
    // The failover closes proxied sessions: imapflow reports it as an error event.
    emitLogs: false,
  });
  client.on('error', () => {});
  await client.connect();
  return client;
}

/** Every Message-ID in the user's INBOX through the proxy, duplicates kept. */
export async function inboxIds(user: string): Promise<string[]> {
  const client = await imapLogin(user);
  try {
    const ids: string[] = [];
    const lock = await client.getMailboxLock('INBOX');
    try {
      if ((client.mailbox && typeof client.mailbox === 'object' ? client.mailbox.exists : 0) === 0)
        return ids;
      for await (const message of client.fetch('1:*', { envelope: true })) {
        if (message.envelope?.messageId) ids.push(message.envelope.messageId.replace(/^<|>$/g, ''));
      }
    } finally {
      lock.release();
    }
    return ids;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** The failover jobs of a node. */
export async function jobsOn(node: ReplicationNode): Promise<FailoverJobView[]> {
  const rpc = await fleet.rpc(node);
  try {
    return (await rpc.client.call('failover.list', {})).jobs;
  } finally {
    rpc.close();
  }
}

/** Starts a failover as a system admin does: names the failover node, then asks it. */
export async function failOver(
  store: string,
  to: ReplicationNode,
  spare?: ReplicationNode,
): Promise<FailoverJobView> {
  await fleet.writer.setFailoverNode(store, to);
  const rpc = await fleet.rpc(to);
  try {
    return (await rpc.client.call('failover.start', { store, ...(spare ? { spare } : {}) })).job;
  } finally {
    rpc.close();
  }
}

/**
 * Waits until the job on `node` has journaled `step` for the `time`th time (a fleet with
 * `failover.stepPauseMs` pauses there), asking on one connection every 50 ms so the pause is not
 * missed; fails when the job went past it.
 */
export async function journaled(node: ReplicationNode, job: string, step: string, time = 1): Promise<void> {
  const rpc = await fleet.rpc(node);
  try {
    for (;;) {
      const found = (await rpc.client.call('failover.list', {})).jobs.find((j) => j.job === job);
      const times = found?.history.filter((h) => h.step === step).length ?? 0;
      if (found?.step === step && times === time) return;
      if (times > time || (times === time && found?.step !== step))
        throw new Error(`the job went past ${step} before the kill: ${found?.step}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    rpc.close();
  }
}

/** Waits for a job to end; it must end `done`. */
export async function finished(node: ReplicationNode, job: string): Promise<FailoverJobView> {
  const ended = await eventually(async () => {
    const found = (await jobsOn(node)).find((j) => j.job === job);
    return found && (found.step === 'done' || found.step === 'failed') ? found : undefined;
  }, 500);
  expect(ended.error, ended.history.map((h) => h.text).join('\n')).toBeUndefined();
  expect(ended.step).toBe('done');
  return ended;
}

/** Mail to the users through the director every 100 ms until stopped; the ids it accepted (250). */
export function traffic(prefix: string): { stop: () => Promise<string[]> } {
  const accepted: string[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const id = `${prefix}-${n}@failover.test`;
      const sent = fleet.send(users[n % users.length]!, id).then((ok) => ok && accepted.push(id));
      await new Promise((resolve) => setTimeout(resolve, 100));
      void sent;
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      // Sends still in flight finish before the list is read.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return [...accepted];
    },
  };
}

/** Waits until every accepted id is in its user's INBOX through the proxy; checks none is there twice. */
export async function everyMessageOnce(accepted: string[]): Promise<void> {
  const byUser = new Map<string, string[]>();
  for (const id of accepted) {
    const n = Number(/-(\d+)@/.exec(id)?.[1]);
    const user = users[n % users.length]!;
    byUser.set(user, [...(byUser.get(user) ?? []), id]);
  }
  for (const [user, ids] of byUser) {
    const held = await eventually(async () => {
      const found = await inboxIds(user);
      return ids.every((id) => found.includes(id)) ? found : undefined;
    }, 1000);
    for (const id of ids)
      expect(
        held.filter((x) => x === id),
        `${id} in ${user}'s INBOX`,
      ).toHaveLength(1);
  }
}

/** Mail through the director every 100 ms, then store01 killed with SIGKILL 2 s later. */
export async function killStore01UnderTraffic(prefix: string): Promise<ReturnType<typeof traffic>> {
  await store01Protected();
  const load = traffic(prefix);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await fleet.kill('store01');
  return load;
}

/**
 * store01 as the first failover leaves it: served by the spare, its replica kept on store02 (the
 * node that took it over first), at `epoch` (4: fence, repoint, switching, the switch-over's
 * repoint; two more for each switch-over rolled back); and spare01 streams it to store02, protected.
 */
export async function expectSwitchedToSpare01(epoch = 4): Promise<void> {
  expect(await fleet.writer.getLogicalStore('store01')).toMatchObject({
    servedBy: 'spare01',
    replicaNode: 'store02',
    state: 'serving',
    epoch,
  });
  await eventually(async () => {
    const rpc = await fleet.rpc('spare01');
    try {
      const { streams } = await rpc.client.call('replication.status', {});
      const stream = streams.find((s) => s.store === 'store01');
      return stream?.replicaNode === 'store02' && stream.state === 'protected' ? true : undefined;
    } finally {
      rpc.close();
    }
  }, 500);
}
