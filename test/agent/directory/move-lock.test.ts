/**
 * The move lock (`mailfleetMoveState`, agent/common/directory/move-state.ts) on both directory servers:
 * a store's agent takes it with one add, a second job is refused while it is held, every later
 * change is a compare-and-set on the exact value, the flip changes mailHost in the same modify,
 * and only store and spare nodes (besides staff) may write it: a director's or gateway's entry may
 * not, nor may a store node touch anything else of a user.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryError } from '../../../agent/common/directory/directory-errors.js';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { MoveLockConflict, type MoveState } from '../../../agent/common/directory/move-state.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { bulkUserAddress, seedEntries, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);

describe.each(directoryBackends)('the move lock on $name', (backend) => {
  let server: TestDirectory;
  const clients: LdapFleetDirectory[] = [];
  const asServer = (name: string) => {
    const client = LdapFleetDirectory.withPassword({
      url: server.url,
      baseDn: testBaseDn,
      bindDn: tree.server(name),
      bindPassword: seedPasswords.server(name),
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(6));
  });

  afterAll(async () => {
    for (const client of clients) await client.close();
    await server?.stop();
  });

  it('is taken once, advanced only by its holder, and flips mailHost in the same change', async () => {
    const store02 = asServer('store02');
    const user = bulkUserAddress(0); // on store01
    const copy: MoveState = { job: 'mv-store02-a', source: 'store01', target: 'store02', phase: 'copy' };
    const taken = await store02.changeMoveState(user, { from: undefined, to: copy });
    expect(taken.moveState).toEqual(copy);

    // A second job, from any node, is refused while the lock is held, and says whose it is.
    const other: MoveState = { ...copy, job: 'mv-store02-b' };
    const second = await store02
      .changeMoveState(user, { from: undefined, to: other })
      .catch((e: unknown) => e);
    expect(second).toBeInstanceOf(MoveLockConflict);
    expect((second as Error).message).toBe(
      `${user} is already being moved by job mv-store02-a (store01 to store02, copy)`,
    );
    // A change that expects another value than the one in place changes nothing.
    const stale = await store02
      .changeMoveState(user, { from: other, to: { ...other, phase: 'cutover' }, mailHost: 'store02' })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(MoveLockConflict);
    expect((await store02.findUserByAddress(user))?.mailHost).toBe('store01');

    const cutover: MoveState = { ...copy, phase: 'cutover' };
    const moving = await store02.changeMoveState(user, { from: copy, to: cutover, mailboxState: 'moving' });
    expect(moving).toMatchObject({ mailboxState: 'moving', moveState: cutover, mailHost: 'store01' });
    const flipped: MoveState = { ...copy, phase: 'flipped' };
    const after = await store02.changeMoveState(user, {
      from: cutover,
      to: flipped,
      mailHost: 'store02',
      mailboxState: 'active',
    });
    expect(after).toMatchObject({ mailHost: 'store02', mailboxState: 'active', moveState: flipped });
    const released = await store02.changeMoveState(user, { from: flipped, to: undefined });
    expect(released.moveState).toBeUndefined();
    // Releasing again: there is no lock to release.
    const again = await store02
      .changeMoveState(user, { from: flipped, to: undefined })
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(MoveLockConflict);
    expect((again as Error).message).toBe(`${user} is not locked for a move any more`);
  });

  it('is written by store and spare nodes, not by a director or a gateway, and by nothing else of a user', async () => {
    const user = bulkUserAddress(2);
    const lock: MoveState = { job: 'mv-spare01-a', source: 'store01', target: 'store02', phase: 'copy' };
    for (const name of ['director01', 'gateway01']) {
      const refused = await asServer(name)
        .changeMoveState(user, { from: undefined, to: lock })
        .catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(DirectoryError);
      expect((refused as DirectoryError).code).toBe(50);
    }
    const spare = asServer('spare01');
    expect((await spare.changeMoveState(user, { from: undefined, to: lock })).moveState).toEqual(lock);
    await spare.changeMoveState(user, { from: lock, to: undefined });
    // A store node may not rename a user or change their addresses or quota.
    const store01 = asServer('store01');
    const quota = await store01.modifyUser(user, { quotaBytes: 5 }).catch((e: unknown) => e);
    expect((quota as DirectoryError).code).toBe(50);
    const name = await store01.modifyUser(user, { displayName: 'Renamed' }).catch((e: unknown) => e);
    expect((name as DirectoryError).code).toBe(50);
    expect((await store01.findUserByAddress(user))?.displayName).toBe('Bulk User 2');
  });
});
