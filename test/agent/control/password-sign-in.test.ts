/**
 * Issue 15: admins without a key sign in to an agent with their directory password (SSH `password`
 * method, checked by an LDAP bind; docs/delegation.md). Against a real store agent over real SSH,
 * with the embedded directory and with slapd: the tier and domains are enforced as for key holders
 * (every method the matrix refuses a helpdesk or a department admin is refused), wrong passwords go
 * through the shared throttle, and a changed password, a lowered tier or a deleted admin counts
 * from the next call of a session opened before.
 */
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessMatrix } from '../../../agent/common/contract/access-matrix.js';
import type { MethodName } from '../../../agent/common/contract/methods.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import {
  changeAdminPassword,
  type PasswordSignInStore,
  startPasswordSignInStore,
  writeAsSystemAdmin,
} from '../../support/password-sign-in-store.js';

/** Password-only admins (no sshPublicKey), by uid. */
const passwords = {
  hd: 'Help-Desk-Passw0rd',
  'alpha-admin': 'Alpha-Admin-Passw0rd',
  mover: 'Mover-Old-Passw0rd',
  demoted: 'Demoted-Passw0rd',
  leaver: 'Leaver-Passw0rd',
  guesser: 'Guesser-Passw0rd',
};
type PasswordAdmin = keyof typeof passwords;

describe.each([
  { backend: 'embedded', replicated: false },
  { backend: 'slapd', replicated: true },
])('password sign-in to an agent ($backend directory)', ({ replicated }) => {
  let store: PasswordSignInStore;
  const logLines: string[] = [];

  beforeAll(async () => {
    store = await startPasswordSignInStore({
      admins: [
        { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', password: passwords.hd },
        {
          uid: 'alpha-admin',
          displayName: 'Alpha Admin',
          tier: 'domain',
          domains: ['alpha.example'],
          password: passwords['alpha-admin'],
        },
        { uid: 'mover', displayName: 'Mover', tier: 'helpdesk', password: passwords.mover },
        { uid: 'demoted', displayName: 'Demoted', tier: 'helpdesk', password: passwords.demoted },
        { uid: 'leaver', displayName: 'Leaver', tier: 'helpdesk', password: passwords.leaver },
        { uid: 'guesser', displayName: 'Guesser', tier: 'helpdesk', password: passwords.guesser },
      ],
      replicated,
      logSink: (line) => logLines.push(line),
    });
  }, 120_000);

  afterAll(async () => {
    await store?.stop();
  });

  function signIn(uid: string, password: string): Promise<RpcConnection> {
    return connectRpc({
      host: '127.0.0.1',
      port: store.agent.endpoints().controlPort,
      username: uid,
      password,
      pinnedHostKeys: store.pinnedHostKeys,
    });
  }
  const as = (uid: PasswordAdmin) => signIn(uid, passwords[uid]);

  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error,
    );

  test('an admin without a key signs in with its password and gets its tier and domains', async () => {
    const hd = await as('hd');
    const alpha = await as('alpha-admin');
    try {
      expect((await hd.client.call('audit.tail', { limit: 1 })).entries).toBeInstanceOf(Array);
      expect((await hd.client.call('service.list', {})).services.length).toBeGreaterThan(0);
      // A domain admin's scope is checked on the agent as for a key holder.
      const outside = await failureOf(alpha.client.call('mailbox.stats', { user: 'dave@beta.example' }));
      expect(outside).toBeInstanceOf(RpcCallError);
      expect((outside as RpcCallError).codeName).toBe('forbidden');
      expect((outside as RpcCallError).message).toMatch(/alpha-admin may not act on dave@beta\.example/);
    } finally {
      hd.close();
      alpha.close();
    }
  });

  test('every method the matrix refuses a helpdesk or a department admin is refused to its password session', async () => {
    const hd = await as('hd');
    const alpha = await as('alpha-admin');
    const refusedTo = { helpdesk: [] as string[], domain: [] as string[] };
    const expected = { helpdesk: [] as string[], domain: [] as string[] };
    try {
      for (const method of Object.keys(accessMatrix) as MethodName[]) {
        for (const [tier, connection] of [
          ['helpdesk', hd],
          ['domain', alpha],
        ] as const) {
          if (accessMatrix[method][tier] === 'deny') expected[tier].push(method);
          // The tier is checked before the params: any params show a refusal.
          const error = await failureOf(connection.client.call(method, {} as never));
          if (error instanceof RpcCallError && error.codeName === 'forbidden') refusedTo[tier].push(method);
        }
      }
    } finally {
      hd.close();
      alpha.close();
    }
    expect(expected.domain.length).toBeGreaterThan(10);
    expect(refusedTo).toEqual(expected);
  });

  test('a wrong password is refused, and past the free failures even the right one waits (shared throttle)', async () => {
    for (let attempt = 0; attempt < 4; attempt++)
      expect(await failureOf(signIn('guesser', `wrong-${attempt}`))).toBeInstanceOf(Error);
    // The fourth failure set a delay: the right password is refused without asking the directory.
    expect(await failureOf(as('guesser'))).toBeInstanceOf(Error);
    expect(await store.lockouts()).toEqual(
      expect.arrayContaining([expect.objectContaining({ service: 'mail', kind: 'user', name: 'guesser' })]),
    );
    // No log line holds a password, right or wrong.
    const logged = logLines.join('\n');
    for (const secret of [...Object.values(passwords), 'wrong-0', 'wrong-3'])
      expect(logged).not.toContain(secret);
    expect(logged).toContain('refused password sign-in');
  });

  test('a password changed in the directory ends an open session at its next call', async () => {
    const mover = await as('mover');
    expect((await mover.client.call('service.list', {})).services.length).toBeGreaterThan(0);
    const closed = new Promise<void>((resolve) => mover.once('close', resolve));
    const newPassword = 'Mover-New-Passw0rd';
    await changeAdminPassword(store.directory, 'mover', newPassword);
    const refused = await failureOf(mover.client.call('service.list', {}));
    expect(refused).toBeInstanceOf(Error);
    await closed;
    // The old password no longer signs in; the new one does.
    expect(await failureOf(as('mover'))).toBeInstanceOf(Error);
    const again = await signIn('mover', newPassword);
    expect((await again.client.call('service.list', {})).services.length).toBeGreaterThan(0);
    again.close();
  });

  test('a lowered tier applies to the next call, and a deleted admin ends its session', async () => {
    const demoted = await as('demoted');
    const leaver = await as('leaver');
    expect((await demoted.client.call('audit.tail', { limit: 1 })).entries).toBeInstanceOf(Array);
    expect((await leaver.client.call('audit.tail', { limit: 1 })).entries).toBeInstanceOf(Array);
    const leaverClosed = new Promise<void>((resolve) => leaver.once('close', resolve));
    await writeAsSystemAdmin(store.directory, async (client, tree) => {
      await client.modify(
        tree.admin('demoted'),
        new Change({
          operation: 'replace',
          modification: new Attribute({ type: 'mailfleetAdminTier', values: ['user'] }),
        }),
      );
      await client.del(tree.admin('leaver'));
    });
    const lowered = await failureOf(demoted.client.call('audit.tail', { limit: 1 }));
    expect(lowered).toBeInstanceOf(RpcCallError);
    expect((lowered as RpcCallError).message).toMatch(/^tier user may not call audit\.tail/);
    expect(await failureOf(leaver.client.call('audit.tail', { limit: 1 }))).toBeInstanceOf(Error);
    await leaverClosed;
    expect(await failureOf(as('leaver'))).toBeInstanceOf(Error);
    demoted.close();
  });
});
