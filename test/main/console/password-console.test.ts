/**
 * The console opened without a key (issue 15, docs/delegation.md), through the same door the page
 * uses (dispatchConsoleCall), against a real store agent over SSH and the embedded directory:
 * nothing answers before a sign-in but the sign-in calls and the language; a wrong password is
 * refused in words; a department admin sees only its own domain's users and is refused, by the
 * console core itself, every call its tier may not make (as a page crafting it would); sign-out, an
 * idle time-out and a password changed in the directory each bring the sign-in page back, saying why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchConsoleCall } from '../../../main/console/console-dispatch.js';
import { MemorySettings } from '../../../main/console/console-settings.js';
import { tierMayCall } from '../../../main/console/console-tiers.js';
import { PasswordConsole } from '../../../main/console/password-console.js';
import { signInOptions } from '../../../main/console/sign-in-options.js';
import type { AgentTestDirectory } from '../../support/agent-test-directory.js';
import {
  alphaClerk,
  changeAdminPassword,
  type PasswordSignInStore,
  startPasswordSignInStore,
} from '../../support/password-sign-in-store.js';
import { storeSeedEntries } from '../../support/store-seed.js';

const alphaPassword = alphaClerk.password;
const helpPassword = 'Help-Desk-Passw0rd';

let store: PasswordSignInStore;
let directory: AgentTestDirectory;
const consoles: PasswordConsole[] = [];

beforeAll(async () => {
  store = await startPasswordSignInStore({
    admins: [alphaClerk, { uid: 'help', displayName: 'Help Desk', tier: 'helpdesk', password: helpPassword }],
    extraEntries: storeSeedEntries,
  });
  directory = store.directory;
}, 60_000);

afterAll(async () => {
  for (const open of consoles) await open.stop();
  await store?.stop();
});

function passwordConsole(idleMinutes?: number): PasswordConsole {
  const open = new PasswordConsole({
    directory: { url: directory.urls, baseDn: directory.baseDn },
    settings: new MemorySettings(),
    systemLocale: 'en',
    ...(idleMinutes !== undefined ? { idleMinutes } : {}),
  });
  consoles.push(open);
  return open;
}

async function until(what: () => boolean, tries = 200): Promise<void> {
  for (let i = 0; i < tries && !what(); i++) await new Promise((r) => setTimeout(r, 50));
}

describe('a console opened without a key', () => {
  it('answers only the sign-in and language calls before anyone signs in, and refuses a wrong password in words', async () => {
    const open = passwordConsole();
    expect(await dispatchConsoleCall(open, 'session.state', {})).toEqual({
      ok: true,
      result: { state: 'signed-out', reason: null, idleMinutes: 30 },
    });
    expect(await dispatchConsoleCall(open, 'locale.get', {})).toMatchObject({ ok: true });
    expect(await dispatchConsoleCall(open, 'directory.search', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/sign in first/) },
    });
    const wrong = await dispatchConsoleCall(open, 'session.signIn', {
      uid: 'alpha-clerk',
      password: 'nope-nope',
    });
    expect(wrong).toMatchObject({
      ok: true,
      result: { ok: false, message: { en: expect.stringMatching(/user name or password is wrong/) } },
    });
    // The password is in no answer.
    expect(JSON.stringify(wrong)).not.toContain('nope-nope');
    expect(await dispatchConsoleCall(open, 'session.state', {})).toMatchObject({
      result: { state: 'signed-out' },
    });
    // A payload that is not a sign-in is refused by the schema, not passed on.
    expect(await dispatchConsoleCall(open, 'session.signIn', { uid: 'alpha-clerk' })).toMatchObject({
      ok: false,
      error: { code: 'bad-request' },
    });
  });

  it('shows a department admin only its domain and refuses, in the console core, every call its tier may not make', async () => {
    const open = passwordConsole();
    const signed = await dispatchConsoleCall(open, 'session.signIn', {
      uid: 'alpha-clerk',
      password: alphaPassword,
    });
    expect(signed).toMatchObject({
      ok: true,
      result: {
        ok: true,
        session: {
          state: 'signed-in',
          admin: { uid: 'alpha-clerk', tier: 'domain', domains: ['alpha.example'] },
        },
      },
    });
    expect(JSON.stringify(signed)).not.toContain(alphaPassword);
    const search = await dispatchConsoleCall(open, 'directory.search', { text: '' });
    expect(search.ok).toBe(true);
    const users = (search as { result: { ok: true; value: { users: Array<{ mail: string }> } } }).result.value
      .users;
    expect(users.length).toBeGreaterThan(0);
    expect(users.every((user) => user.mail.endsWith('@alpha.example'))).toBe(true);
    // Another department's user, asked for by address, is not there for this admin.
    expect(await dispatchConsoleCall(open, 'directory.user', { address: 'dave@beta.example' })).toMatchObject(
      {
        ok: true,
        result: { ok: false },
      },
    );
    // Calls a page could craft for views the tier does not see: refused before any node is asked.
    for (const [name, params] of [
      ['queue.fleet', {}],
      ['queue.summary', { node: 'store01' }],
      ['queue.hold', { node: 'store01', hold: { user: 'carol@alpha.example' } }],
      ['gateway.status', { node: 'store01' }],
      ['node.restartService', { node: 'store01', service: 'control' }],
      ['failover.overview', {}],
      ['fleet.addNode', { host: '127.0.0.1', name: 'store09', role: 'store' }],
      ['move.purge', { node: 'store01', user: 'dave@beta.example' }],
    ] as const) {
      const reply = await dispatchConsoleCall(open, name, params);
      if (reply.ok) throw new Error(`${name} was answered for a department admin`);
      // A params shape the call does not take is refused as bad-request before the tier check;
      // every one listed here is well formed, so the refusal is the tier's.
      expect([name, reply.error.code]).toEqual([name, 'forbidden']);
      expect(reply.error.message).toMatch(/not allowed to alpha-clerk \(tier domain\)/);
    }
  });

  it('matches the agents: a department admin may make no console call the access matrix denies it', () => {
    expect(tierMayCall('domain', 'queue.summary')).toBe(false);
    // Its domains' queued mail and spam figures, read-only (the agents filter them).
    expect(tierMayCall('domain', 'queue.list')).toBe(true);
    expect(tierMayCall('domain', 'queue.show')).toBe(true);
    expect(tierMayCall('domain', 'spam.statistics')).toBe(true);
    for (const action of [
      'queue.hold',
      'queue.release',
      'queue.flush',
      'queue.requeue',
      'queue.delete',
    ] as const)
      expect(tierMayCall('domain', action)).toBe(false);
    expect(tierMayCall('domain', 'auth.unlock')).toBe(true);
    expect(tierMayCall('helpdesk', 'queue.fleet')).toBe(true);
    expect(tierMayCall('helpdesk', 'failover.start')).toBe(false);
    expect(tierMayCall('system', 'fleet.addNode')).toBe(true);
  });

  it('signs out on request and after the idle time, saying why', async () => {
    const open = passwordConsole(0.01);
    await dispatchConsoleCall(open, 'session.signIn', { uid: 'help', password: helpPassword });
    expect(open.state()).toMatchObject({ state: 'signed-in', admin: { tier: 'helpdesk' } });
    // Touched, it stays; untouched past 0.6 s, it ends.
    await until(() => open.state().state !== 'signed-in');
    expect(open.state()).toEqual({ state: 'signed-out', reason: 'idle', idleMinutes: 0.01 });
    expect(await dispatchConsoleCall(open, 'queue.fleet', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    await dispatchConsoleCall(open, 'session.signIn', { uid: 'help', password: helpPassword });
    expect(await dispatchConsoleCall(open, 'session.signOut', {})).toEqual({
      ok: true,
      result: { state: 'signed-out', reason: 'signed-out', idleMinutes: 0.01 },
    });
  });

  it('brings the sign-in page back when the password is changed in the directory', async () => {
    const open = passwordConsole();
    await dispatchConsoleCall(open, 'session.signIn', { uid: 'alpha-clerk', password: alphaPassword });
    const auditFailures = async () => {
      const reply = await dispatchConsoleCall(open, 'audit.tail', { nodes: ['store01'], limit: 1 });
      return reply.ok ? (reply.result as { failures: unknown[] }).failures.length : -1;
    };
    // The link signs in with the password (a first connection takes a moment).
    let failures = await auditFailures();
    for (let i = 0; i < 100 && failures !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      failures = await auditFailures();
    }
    expect(failures).toBe(0);
    await changeAdminPassword(directory, 'alpha-clerk', 'Alpha-Clerk-New-Pw1');
    // The agent refuses the next call and closes; the link's sign-in is refused: the session ends.
    await dispatchConsoleCall(open, 'audit.tail', { nodes: ['store01'], limit: 1 });
    await until(() => open.state().state !== 'signed-in');
    expect(open.state()).toMatchObject({ state: 'signed-out', reason: 'password-refused' });
  });

  it('takes the sign-in choices the Electron main process is given, and ignores a bad idle time', () => {
    expect(signInOptions({ MAILFLEET_SIGN_IN: '1', MAILFLEET_IDLE_MINUTES: '10' })).toEqual({
      signIn: true,
      idleMinutes: 10,
    });
    expect(signInOptions({ MAILFLEET_IDLE_MINUTES: '-3' })).toEqual({});
    expect(signInOptions({ MAILFLEET_IDLE_MINUTES: 'soon' })).toEqual({});
  });
});
