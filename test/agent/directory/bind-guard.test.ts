/**
 * Issue 10, finding 7: online password guessing against the directory is throttled, and idle
 * connections are closed, on both servers (the embedded directory's bind throttle and idle
 * times; slapd with the shipped ppolicy and `idletimeout`). The embedded directory's per-address
 * throttle and connection caps, which slapd does not have, are tested in bind-guard-embedded.test.ts.
 */
import { connect, type Socket } from 'node:net';
import { Attribute, Change, Client, InvalidCredentialsError } from 'ldapts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { passwordPolicy } from '../../../agent/directory/slapd/database-rules.js';
import { directoryBackends } from '../../support/directory-backends.js';
import { seedEntries, seedNames, seedPasswords, testBaseDn } from '../../support/directory-seed.js';
import { tryBind } from '../../support/ldap-bind.js';
import type { TestDirectory } from '../../support/test-directory.js';

const tree = new FleetTree(testBaseDn);
/** Guessing run of the per-DN throttle: the lock comes with the 10th failure on both servers. */
const guesses = passwordPolicy.maxFailures;

/** Resolves once the server closes the socket. */
function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed) resolve();
    socket.once('close', () => resolve());
  });
}

describe.each(directoryBackends)('bind throttle and idle connections on $name', (backend) => {
  let server: TestDirectory;

  beforeAll(async () => {
    server = await backend.start(testBaseDn, seedEntries(0), { idleTimeoutSeconds: 2 });
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('locks a DN after an online guessing run: its right password is refused during the lock', async () => {
    const bob = tree.user(seedNames.bob);
    for (let i = 0; i < guesses; i++) {
      expect(await tryBind(server.url, bob, `guess-${i}`)).toBeInstanceOf(InvalidCredentialsError);
    }
    // Locked: the right password gets the same answer as a wrong one, invalidCredentials (49).
    expect(await tryBind(server.url, bob, 'bob-secret')).toBeInstanceOf(InvalidCredentialsError);
    // Other entries, from the same address, keep binding.
    expect(await tryBind(server.url, tree.user(seedNames.alice), seedPasswords.alice)).toBeUndefined();
    expect(
      await tryBind(server.url, tree.admin(seedNames.admins.helpdesk), seedPasswords.helpdesk),
    ).toBeUndefined();
    if (server.advanceClock) {
      // The embedded lock ends after 5 minutes.
      server.advanceClock(5 * 60_000);
    } else {
      // slapd's lock is ppolicy's: the entry carries pwdAccountLockedTime; removing it unlocks.
      const root = new Client({ url: server.url });
      try {
        await root.bind(server.rootDn, server.rootPassword);
        const { searchEntries } = await root.search(bob, {
          scope: 'base',
          attributes: ['pwdAccountLockedTime'],
        });
        expect(searchEntries[0]?.pwdAccountLockedTime).toBeTruthy();
        await root.modify(
          bob,
          new Change({ operation: 'delete', modification: new Attribute({ type: 'pwdAccountLockedTime' }) }),
        );
      } finally {
        await root.unbind();
      }
    }
    expect(await tryBind(server.url, bob, 'bob-secret')).toBeUndefined();
  });

  it('closes a connection left idle, bound or not, and keeps one that works', async () => {
    const unbound = connect(Number(new URL(server.url).port), '127.0.0.1');
    const bound = new Client({ url: server.url });
    await bound.bind(tree.admin(seedNames.admins.viewer), seedPasswords.viewer);
    const active = new Client({ url: server.url });
    await active.bind(tree.admin(seedNames.admins.viewer), seedPasswords.viewer);
    try {
      const boundSocket = (bound as unknown as { socket?: Socket }).socket;
      expect(boundSocket).toBeDefined();
      // Searches every 200 ms on the active connection while the others sit idle for > 2 s.
      const activeSocket = (active as unknown as { socket?: Socket }).socket as Socket;
      let activeClosed = false;
      activeSocket.once('close', () => {
        activeClosed = true;
      });
      const idleClosed = Promise.all([closed(unbound), closed(boundSocket as Socket)]);
      let searches = 0;
      let idleDone = false;
      void idleClosed.then(() => {
        idleDone = true;
      });
      while (!idleDone) {
        await active.search(tree.servers, { scope: 'one', attributes: ['cn'] });
        searches++;
        await new Promise((r) => setTimeout(r, 200));
      }
      await idleClosed;
      expect(activeClosed).toBe(false);
      expect(searches).toBeGreaterThan(1);
      const { searchEntries } = await active.search(tree.servers, { scope: 'one', attributes: ['cn'] });
      expect(searchEntries).toHaveLength(seedNames.servers.length);
    } finally {
      unbound.destroy();
      await bound.unbind().catch(() => {});
      await active.unbind().catch(() => {});
    }
  }, 30_000);
});
