/**
 * A director's switch-over holds (agent/failover/switchover-holds.ts) against the embedded
 * directory and a real durable queue: a hold is written down with its job and epoch, survives a
 * restart, is kept by the sweep while the store says `switching` (at its epoch or a later one: a
 * switch-over tried again), and is released by the sweep, with the queue's store hold, once the
 * store is at a later epoch in another state; a directory that cannot be read releases nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { JsonLogger } from '../../../agent/common/json-logger.js';
import { SwitchoverHolds } from '../../../agent/failover/switchover-holds.js';
import { MailQueue } from '../../../agent/mail/director/queue/mail-queue.js';
import { AgentTestDirectory } from '../../support/agent-test-directory.js';
import { storeSeedEntries } from '../../support/store-seed.js';

const sysPassword = 'sys-directory-pw';

describe('switch-over holds on a director', () => {
  let directory: AgentTestDirectory;
  let writer: LdapFleetDirectory;
  let reader: LdapFleetDirectory;
  let root: string;
  let queue: MailQueue;
  const logLines: Array<{ level: string; msg: string }> = [];

  beforeAll(async () => {
    directory = await AgentTestDirectory.start({
      servers: [
        { name: 'store01', role: 'store' },
        { name: 'director01', role: 'director' },
      ],
      admins: [
        { uid: 'sys', displayName: 'System', tier: 'system', sshPublicKeys: [], password: sysPassword },
      ],
      extraEntries: storeSeedEntries,
    });
    writer = LdapFleetDirectory.withPassword({
      url: directory.url,
      baseDn: directory.baseDn,
      bindDn: new FleetTree(directory.baseDn).admin('sys'),
      bindPassword: sysPassword,
    });
    reader = directory.reader('director01');
    root = await mkdtemp(join(tmpdir(), 'mailfleet-switchover-holds-'));
    // Nothing is queued: the test looks at the queue's holds only.
    queue = new MailQueue({
      root: join(root, 'queue'),
      clock: { now: () => Date.now() },
      route: async () => ({ kind: 'defer', reason: 'not routed in this test' }),
      // Never called: nothing is queued.
      transports: { lmtp: { deliver: async () => [] } },
    });
    await queue.start();
  }, 60_000);

  afterAll(async () => {
    await queue?.stop();
    await reader?.close();
    await writer?.close();
    await directory?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const holdsOf = (directoryView: Pick<LdapFleetDirectory, 'getLogicalStore' | 'searchUsers'>) =>
    new SwitchoverHolds({
      dataDir: root,
      queue: () => queue,
      proxies: () => undefined,
      router: () => undefined,
      directory: directoryView,
      logger: new JsonLogger('director01', 'failover', 'info', (line) => logLines.push(JSON.parse(line))),
      now: () => Date.now(),
    });
  const queueHoldsStore01 = () =>
    queue.listHolds().some((h) => 'logicalStore' in h && h.logicalStore === 'store01');
  const write = async (state: 'serving' | 'switching' | 'failed') => {
    const entry = await writer.getLogicalStore('store01');
    const epoch = entry?.epoch ?? 0;
    await writer.changeStoreState('store01', { fromEpoch: epoch, epoch: epoch + 1, state });
    return epoch + 1;
  };

  it('keeps the hold while the store says switching and releases it once the directory settled it', async () => {
    const switching = await write('switching');
    const holds = holdsOf(reader);
    await holds.load();
    await holds.hold('store01', 'job-1', switching);
    expect(queueHoldsStore01()).toBe(true);

    // Written down: a director started again knows it, and its sweep keeps it while switching.
    const restarted = holdsOf(reader);
    await restarted.load();
    expect(restarted.list()).toMatchObject([{ store: 'store01', job: 'job-1', epoch: switching }]);
    await restarted.sweep();
    expect(restarted.list()).toHaveLength(1);
    expect(queueHoldsStore01()).toBe(true);
    expect(logLines.at(-1)?.msg).toBe(
      `keeping the hold of store01 placed by switch-over job-1: the directory shows store01 switching at epoch ${switching}`,
    );

    // A directory that cannot be read releases nothing.
    const unreachable = holdsOf({
      getLogicalStore: async () => {
        throw new Error('the directory cannot be reached');
      },
      searchUsers: async () => [],
    });
    await unreachable.load();
    await unreachable.sweep();
    expect(unreachable.list()).toHaveLength(1);
    expect(queueHoldsStore01()).toBe(true);

    // Rolled back and switching again at a later epoch: kept while it says switching, whether
    // this director was asked to hold again yet or not.
    await write('serving');
    const again = await write('switching');
    await restarted.sweep();
    expect(restarted.list()).toMatchObject([{ store: 'store01', job: 'job-1', epoch: switching }]);
    expect(queueHoldsStore01()).toBe(true);
    await restarted.hold('store01', 'job-1', again);
    await restarted.sweep();
    expect(restarted.list()).toMatchObject([{ store: 'store01', job: 'job-1', epoch: again }]);
    expect(queueHoldsStore01()).toBe(true);

    // Settled (a failover's fence, or an administrator): released at the next sweep, in words.
    const failed = await write('failed');
    await restarted.sweep();
    expect(restarted.list()).toEqual([]);
    expect(queueHoldsStore01()).toBe(false);
    expect(logLines.at(-1)).toMatchObject({ level: 'warn' });
    expect(logLines.at(-1)?.msg).toMatch(
      new RegExp(
        `^releasing the hold of store01 placed by switch-over job-1 0 min ago: the directory shows store01 failed on store01 at epoch ${failed}, so the switch-over is over; its held mail goes there now$`,
      ),
    );
    const afterRelease = holdsOf(reader);
    await afterRelease.load();
    expect(afterRelease.list()).toEqual([]);
  });

  it('does not release a hold placed at an epoch the directory does not show yet', async () => {
    // A provider that has not replicated the `switching` write shows the epoch before it, serving.
    const serving = await write('serving');
    const holds = holdsOf(reader);
    await holds.load();
    await holds.hold('store01', 'job-2', serving + 1);
    await holds.sweep();
    expect(holds.list()).toHaveLength(1);
    expect(queueHoldsStore01()).toBe(true);
    await holds.release('store01');
    expect(queueHoldsStore01()).toBe(false);
  });
});
