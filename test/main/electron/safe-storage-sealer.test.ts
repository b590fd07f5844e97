/**
 * The keychain sealer over a fake `safeStorage` (the Electron binary cannot run here): each
 * platform's refusal in words (Linux `basic_text` above all, which must never count as sealed),
 * round trips when the keychain is there, the Linux keyring choice, and the seal run on real files.
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { choosePasswordStore, isSealRun, runSealSecrets } from '../../../main/electron/console-secrets.js';
import { safeStorageSealer } from '../../../main/electron/safe-storage-sealer.js';
import { fakeSafeStorage, plainSecretsProfile } from '../../support/fake-safe-storage.js';

describe('safeStorage sealer', () => {
  it('names the keychain of each platform and round-trips through it', () => {
    const storage = fakeSafeStorage({ backend: 'kwallet5' });
    expect(safeStorageSealer(storage, 'win32').keychain()).toBe('dpapi');
    expect(safeStorageSealer(storage, 'darwin').keychain()).toBe('keychain');
    const linux = safeStorageSealer(storage, 'linux');
    expect(linux.keychain()).toBe('kwallet5');
    expect(linux.refusal()).toBeUndefined();
    const sealed = linux.seal('秘密のパスワード');
    expect(sealed.toString('utf8')).not.toContain('秘密');
    expect(linux.unseal(sealed)).toBe('秘密のパスワード');
  });

  it("refuses Linux's basic_text store even when it says encryption is available", () => {
    const refusal = safeStorageSealer(
      fakeSafeStorage({ backend: 'basic_text', available: true }),
      'linux',
    ).refusal();
    expect(refusal).toContain("Electron's fallback ('basic_text') encrypts with a key built into Chromium");
    expect(refusal).toContain('install gnome-keyring');
    expect(refusal).toContain('MAILFLEET_PASSWORD_STORE=gnome-libsecret');
  });

  it('refuses, in words, when the keychain is not available', () => {
    const off = fakeSafeStorage({ available: false });
    expect(safeStorageSealer(off, 'linux').refusal()).toMatch(
      /keyring \(gnome_libsecret\) does not answer or is locked/,
    );
    expect(safeStorageSealer(off, 'darwin').refusal()).toBe(
      "the operating system's keychain (keychain) is not available to this account",
    );
    expect(safeStorageSealer(off, 'win32').refusal()).toContain('(dpapi)');
    expect(safeStorageSealer(fakeSafeStorage({ backend: 'unknown' }), 'linux').refusal()).toContain(
      'before the app was ready',
    );
  });
});

describe('Linux keyring choice', () => {
  it('passes a known keyring to Chromium and refuses others, basic included', () => {
    const commandLine = { appendSwitch: vi.fn() };
    expect(choosePasswordStore(commandLine, {})).toBeUndefined();
    expect(choosePasswordStore(commandLine, { MAILFLEET_PASSWORD_STORE: 'kwallet6' })).toBeUndefined();
    expect(commandLine.appendSwitch).toHaveBeenCalledExactlyOnceWith('password-store', 'kwallet6');
    expect(choosePasswordStore(commandLine, { MAILFLEET_PASSWORD_STORE: 'basic' })).toContain(
      'MAILFLEET_PASSWORD_STORE=basic is not one of gnome-libsecret',
    );
    expect(commandLine.appendSwitch).toHaveBeenCalledOnce();
    expect(isSealRun({ MAILFLEET_SEAL_SECRETS: '1' })).toBe(true);
    expect(isSealRun({})).toBe(false);
  });
});

describe('seal run', () => {
  let home: string;
  beforeEach(async () => {
    home = await plainSecretsProfile({ key: 'PRIVATE-KEY-TEXT\n', password: 'bind-Pa55\n' });
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('seals the profile and says what it did, without the secrets', async () => {
    const lines: string[] = [];
    expect(await runSealSecrets(join(home, 'fleet.json'), fakeSafeStorage(), (l) => lines.push(l))).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      `mailfleet console: sealed the admin SSH key into ${join(home, 'key.sealed')} (gnome_libsecret)`,
    );
    expect(lines.join('\n')).not.toMatch(/PRIVATE-KEY-TEXT|bind-Pa55/);
    expect((await stat(join(home, 'pw.sealed'))).mode & 0o777).toBe(0o600);
    expect(await readFile(join(home, 'pw'), 'utf8')).toBe('bind-Pa55\n');
  });

  it('exits 1 with the reason when the keychain is basic_text, sealing nothing', async () => {
    const lines: string[] = [];
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    expect(await runSealSecrets(join(home, 'fleet.json'), storage, (l) => lines.push(l))).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^mailfleet console --seal-secrets: the secrets stay as they are: .*'basic_text'/,
    );
    expect(storage.uses).toBe(0);
    await expect(stat(join(home, 'key.sealed'))).rejects.toThrow(/ENOENT/);
  });
});
