/**
 * The move lock when a directory server stops answering after a lock change was sent (two real
 * OpenLDAP providers, the first stopped with SIGSTOP so the request is sent and no answer comes):
 * the client reads the lock on the other provider before sending anything again. A change that
 * did not land there is sent once more (still a compare-and-set); one that landed counts as done
 * rather than as "already being moved" by someone else; another job's lock stays a conflict.
 */
import { Client } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import {
  MoveLockConflict,
  type MoveState,
  moveStateChanges,
  parseMoveState,
} from '../../../../agent/common/directory/move-state.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../../support/directory-seed.js';
import { pauseProcess, resumeProcess } from '../../../support/paused-process.js';
import { type SlapdPair, startSlapdPair } from '../../../support/slapd-pair.js';

const tree = new FleetTree(testBaseDn);
const systemAdmin = {
  baseDn: testBaseDn,
  bindDn: `uid=${seedNames.admins.system},ou=admins,${testBaseDn}`,
  bindPassword: seedPasswords.system,
};
const lock = (job: string, phase: MoveState['phase'] = 'copy'): MoveState => ({
  job,
  source: 'store01',
  target: 'store02',
  phase,
});

describe('the move lock when the directory stops answering mid-change', () => {
  let pair: SlapdPair;

  beforeAll(async () => {
    pair = await startSlapdPair(testBaseDn, seedEntries(4));
  });

  afterAll(async () => {
    await pair?.stop();
  });

  /** The lock as one provider holds it, read as its root DN. */
  async function lockOn(url: string): Promise<MoveState | undefined> {
    const entry = await pair.readAsRoot(url, tree.user(seedNames.alice));
    const value = entry?.mailfleetMoveState;
    return parseMoveState(Array.isArray(value) ? String(value[0]) : (value as string | undefined));
  }

  /** Changes the lock on one provider only, as its root DN (what a landed first attempt leaves). */
  async function setLockOn(url: string, from: MoveState | undefined, to: MoveState | undefined) {
    const client = new Client({ url, timeout: 10_000 });
    try {
      await client.bind(pair.rootDn, pair.rootPassword);
      await client.modify(tree.user(seedNames.alice), moveStateChanges({ from, to }));
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  /** Runs `body` with the first provider stopped (alive, silent) and a client that prefers it. */
  async function withFirstStopped(body: (directory: LdapFleetDirectory) => Promise<void>) {
    const [first, second] = pair.providers;
    const directory = LdapFleetDirectory.withPassword(
      { ...systemAdmin, url: pair.urls },
      { timeoutMs: 3_000, returnAfterMs: 3_600_000 },
    );
    const pid = first.pid as number;
    try {
      await directory.listDomains(); // connected to the first
      expect(directory.linkStatus().inUse).toBe(first.url);
      // Every thread stopped before the request is sent: one still running could answer it.
      await pauseProcess(pid);
      await body(directory);
      expect(directory.linkStatus().inUse).toBe(second.url);
    } finally {
      resumeProcess(pid);
      await directory.close();
    }
  }

  /** Waits until both providers hold the same lock (replication is asynchronous). */
  async function bothHold(expected: MoveState | undefined): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const [a, b] = await Promise.all(pair.urls.map((url) => lockOn(url).catch(() => null)));
      if (JSON.stringify(a) === JSON.stringify(expected) && JSON.stringify(b) === JSON.stringify(expected))
        return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the providers never agreed on the lock ${JSON.stringify(expected)}`);
  }

  it('sends a lock that did not land once more on the other provider, and both end with it', async () => {
    const [, second] = pair.providers;
    const taken = lock('mv-store02-lost-1');
    await withFirstStopped(async (directory) => {
      const entry = await directory.changeMoveState(seedNames.alice, { from: undefined, to: taken });
      expect(entry.moveState).toEqual(taken);
      expect(await lockOn(second.url)).toEqual(taken);
    });
    // The stopped provider may still apply the first attempt when it wakes: the same value.
    await bothHold(taken);
    // Released through the client again, with both providers up.
    const directory = LdapFleetDirectory.withPassword({ ...systemAdmin, url: pair.urls });
    try {
      await directory.changeMoveState(seedNames.alice, { from: taken, to: undefined });
    } finally {
      await directory.close();
    }
    await bothHold(undefined);
  });

  it('counts a change that landed as done, and another job’s lock as a conflict', async () => {
    const [, second] = pair.providers;
    const copy = lock('mv-store02-lost-2');
    const catchUp = lock('mv-store02-lost-2', 'catch-up');
    const directory = LdapFleetDirectory.withPassword({ ...systemAdmin, url: pair.urls });
    try {
      await directory.changeMoveState(seedNames.alice, { from: undefined, to: copy });
    } finally {
      await directory.close();
    }
    await bothHold(copy);

    await withFirstStopped(async (stopped) => {
      // The first attempt "landed and replicated": the second already holds the next phase.
      await setLockOn(second.url, copy, catchUp);
      const entry = await stopped.changeMoveState(seedNames.alice, { from: copy, to: catchUp });
      expect(entry.moveState).toEqual(catchUp);

      // Another job took the user meanwhile: a conflict naming that job, nothing sent over it.
      const other = lock('mv-store03-other');
      await setLockOn(second.url, catchUp, other);
      const refused = await stopped
        .changeMoveState(seedNames.alice, { from: catchUp, to: lock('mv-store02-lost-2', 'cutover') })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(MoveLockConflict);
      expect((refused as MoveLockConflict).current).toEqual(other);
      expect((refused as Error).message).toMatch(/already being moved by job mv-store03-other/);
      expect(await lockOn(second.url)).toEqual(other);
    });
  });
});
