/**
 * The `directory.*` console calls at the dispatch door, on a real fleet (embedded directory, store
 * agents, SSH) whose console has no directory administration configured: every call answers
 * `unavailable` in words; a payload failing DirectoryAdmin's own schema is refused before it runs,
 * and the refusal never repeats the password it carried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCallNames } from '../../../main/console/console-contract.js';
import { dispatchConsoleCall } from '../../../main/console/console-dispatch.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';

let fleet: ConsoleTestFleet;

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'] });
});

afterAll(async () => {
  await fleet?.stop();
});

describe('directory console calls', () => {
  it('are all in the contract, each a verb of the directory domain', () => {
    const directoryCalls = consoleCallNames.filter((name) => name.startsWith('directory.'));
    expect(directoryCalls).toHaveLength(21);
    expect(directoryCalls).toContain('directory.resetPassword');
    expect(directoryCalls).toContain('directory.setSpamPolicy');
    expect(directoryCalls).toContain('directory.mailbox');
    expect(directoryCalls).toContain('directory.setUserMailSettings');
  });

  it('answer unavailable, in words, when the console has no directory administration', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'directory.search', { text: '佐藤' });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'this console has no directory administration configured' },
    });
  });

  it('refuse a reset with a password the schema refuses, without repeating the password', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'directory.resetPassword', {
      address: 'hanako.sato@example.ac.jp',
      // Past the contract's bound on what is read (the policy's own rules are the directory's).
      newPassword: 'short'.repeat(300),
    });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('bad-request');
    expect(reply.error.message).toContain('newPassword');
    expect(reply.error.message).not.toContain('short');
  });

  it('refuse a deletion whose confirmation is not the address', async () => {
    const reply = await dispatchConsoleCall(fleet.service, 'directory.deleteUser', {
      address: 'hanako.sato@example.ac.jp',
      confirm: 'taro.sato@example.ac.jp',
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(reply.ok ? '' : reply.error.message).toContain('confirm');
  });
});
