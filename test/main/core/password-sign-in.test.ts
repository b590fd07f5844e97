/**
 * The console core's sign-in with a directory user name and password (issue 15), against a real
 * store agent over SSH and the embedded directory: a department admin without a key signs in, the
 * fleet reaches the agent as that admin (its tier enforced there), and a wrong password, a user-tier
 * account and a password changed under an open session are refused in words.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { type PasswordFleet, signInWithPassword } from '../../../main/core/password-sign-in.js';
import type { AgentTestDirectory } from '../../support/agent-test-directory.js';
import {
  alphaClerk,
  changeAdminPassword,
  type PasswordSignInStore,
  startPasswordSignInStore,
} from '../../support/password-sign-in-store.js';

const alphaPassword = alphaClerk.password;

let store: PasswordSignInStore;
let directory: AgentTestDirectory;
const open: PasswordFleet[] = [];

beforeAll(async () => {
  store = await startPasswordSignInStore({
    admins: [alphaClerk, { uid: 'viewer', displayName: 'Viewer', tier: 'user', password: 'Viewer-Passw0rd' }],
  });
  directory = store.directory;
}, 60_000);

afterAll(async () => {
  for (const fleet of open) await fleet.close();
  await store?.stop();
});

const where = () => ({ url: directory.urls, baseDn: directory.baseDn });

async function signedIn(uid: string, password: string): Promise<PasswordFleet> {
  const result = await signInWithPassword(where(), uid, password, { subscribe: false });
  if (!result.ok) throw new Error(`sign-in refused: ${result.message.en}`);
  open.push(result.signedIn);
  await result.signedIn.fleet.settled(10_000);
  return result.signedIn;
}

describe('signing in with a password', () => {
  it('lets a department admin without a key in, with its tier and domains, and reaches the agent as it', async () => {
    const alpha = await signedIn('alpha-clerk', alphaPassword);
    expect(alpha.admin).toEqual({
      uid: 'alpha-clerk',
      displayName: 'Alpha Clerk',
      tier: 'domain',
      domains: ['alpha.example'],
    });
    expect(alpha.fleet.snapshot().nodes.find((n) => n.name === 'store01')?.observed).toBe('up');
    expect((await alpha.fleet.call('store01', 'node.info', {})).name).toBe('store01');
    // The agent enforces the tier: a department admin may not restart services.
    const refused = await alpha.fleet
      .call('store01', 'service.restart', { service: 'control' })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RpcCallError);
    expect((refused as RpcCallError).codeName).toBe('forbidden');
  });

  it('refuses a wrong password, an unknown name and a user-tier account in words', async () => {
    for (const [uid, password] of [
      ['alpha-clerk', 'not-the-password'],
      ['nobody', 'whatever-Passw0rd'],
      ['alpha-clerk', ''],
    ] as const) {
      const result = await signInWithPassword(where(), uid, password, { subscribe: false });
      expect(result).toMatchObject({ ok: false, refusal: 'bad-credentials' });
      if (!result.ok) {
        expect(result.message.en).toMatch(/user name or password is wrong/);
        expect(result.message.ja).toMatch(/パスワードが違います/);
      }
    }
    expect(
      await signInWithPassword(where(), 'viewer', 'Viewer-Passw0rd', { subscribe: false }),
    ).toMatchObject({
      ok: false,
      refusal: 'no-console-role',
    });
  });

  it('ends the access of an open sign-in at the next call once the password is changed in the directory', async () => {
    const alpha = await signedIn('alpha-clerk', alphaPassword);
    expect((await alpha.fleet.call('store01', 'node.info', {})).name).toBe('store01');
    await changeAdminPassword(directory, 'alpha-clerk', 'Alpha-Clerk-New-Pw1');
    await expect(alpha.fleet.call('store01', 'node.info', {})).rejects.toThrow();
    // The agent closed the session; the link's next sign-in is refused and the sign-in ends there.
    for (let i = 0; i < 200 && !alpha.ended; i++) await new Promise((r) => setTimeout(r, 50));
    expect(alpha.ended).toBe(true);
    // Past a few reconnect intervals (0.5-3 s), the agent saw one failed sign-in, not one per retry.
    await new Promise((r) => setTimeout(r, 4_000));
    const failures = (await store.lockouts()).find((l) => l.name === 'alpha-clerk')?.failures ?? 0;
    expect(failures).toBeLessThanOrEqual(2);
    const again = await signInWithPassword(where(), 'alpha-clerk', alphaPassword, { subscribe: false });
    expect(again).toMatchObject({ ok: false, refusal: 'bad-credentials' });
  });
});
