/**
 * The Electron main process with the `electron` module mocked (the binary cannot run here) and the
 * console opened on a real fleet: a second instance quits at once; the first serves the renderer
 * on the app scheme, refuses permissions, guards every page, registers the IPC handlers and opens
 * one window with the secure options on the app's entry URL, opening the fleet with the keychain's
 * vault; with MAILFLEET_SEAL_SECRETS=1 it seals the profile's secrets (real files) and exits
 * without a window, and refuses to when the keychain is Linux's `basic_text`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleCallNames } from '../../../main/console/console-contract.js';
import { rendererContentSecurityPolicy } from '../../../main/console/content-security-policy.js';
import { openConsole } from '../../../main/console/open-console.js';
import type { SecretVault } from '../../../main/core/secret-vault.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';
import { type FakeSafeStorage, plainSecretsProfile } from '../../support/fake-safe-storage.js';
import { type fakeIpcMain, type fakeSession, fakeWebContents } from './fake-electron.js';

const shell = vi.hoisted(() => ({
  lock: true,
  service: undefined as unknown,
  appHandlers: new Map<string, (...args: unknown[]) => void>(),
  windows: [] as Array<{ options: Record<string, unknown>; loadURL: ReturnType<typeof vi.fn> }>,
  quit: vi.fn(),
  exit: vi.fn(),
  safeStorage: undefined as unknown,
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  ipcMain: undefined as unknown,
  session: undefined as unknown,
  contents: undefined as unknown,
  ready: undefined as undefined | Promise<void>,
}));

vi.mock('electron', async () => {
  const fake = await import('./fake-electron.js');
  shell.safeStorage = (await import('../../support/fake-safe-storage.js')).fakeSafeStorage();
  shell.ipcMain = fake.fakeIpcMain();
  shell.session = fake.fakeSession();
  class BrowserWindow {
    webContents = fake.fakeWebContents();
    loadURL = vi.fn(async () => {});
    constructor(readonly options: Record<string, unknown>) {
      shell.windows.push(this);
      shell.contents = this.webContents;
    }
    once() {}
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
  }
  return {
    app: {
      requestSingleInstanceLock: () => shell.lock,
      quit: shell.quit,
      exit: shell.exit,
      commandLine: { appendSwitch: vi.fn() },
      on: (event: string, handler: (...args: unknown[]) => void) => shell.appHandlers.set(event, handler),
      whenReady: () => {
        shell.ready = Promise.resolve();
        return shell.ready;
      },
      getPreferredSystemLanguages: () => ['ja-JP', 'en-US'],
    },
    BrowserWindow,
    safeStorage: shell.safeStorage,
    ipcMain: shell.ipcMain,
    session: { defaultSession: shell.session },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => shell.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        shell.protocolHandlers.set(scheme, handler),
    },
  };
});

vi.mock('../../../main/console/open-console.js', () => ({
  openConsole: vi.fn(async () => ({ service: shell.service, close: async () => {} })),
}));

let fleet: ConsoleTestFleet;

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'] });
  shell.service = fleet.service;
});

afterAll(async () => {
  await fleet?.stop();
});

async function startMain(lock: boolean): Promise<void> {
  shell.lock = lock;
  vi.resetModules();
  await import('../../../main/electron/electron-main.js');
  await vi.waitFor(() => {
    if (lock && shell.windows.length === 0) throw new Error('no window yet');
  });
}

describe('electron-main', () => {
  it('quits at once when another instance holds the lock', async () => {
    await startMain(false);
    expect(shell.quit).toHaveBeenCalledOnce();
    expect(shell.windows).toHaveLength(0);
    expect(shell.schemes).toHaveLength(0);
  });

  it('opens one secure window on the app scheme with every IPC handler and the guards', async () => {
    await startMain(true);
    expect(shell.windows).toHaveLength(1);
    const window = shell.windows[0]!;
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(
      /dist\/electron\/preload\.cjs$/,
    );
    expect(window.loadURL).toHaveBeenCalledWith('mailfleet://console/index.html');
    expect(shell.schemes).toEqual([expect.objectContaining({ scheme: 'mailfleet' })]);

    const ipc = shell.ipcMain as ReturnType<typeof fakeIpcMain>;
    expect(ipc.handlers.size).toBe(consoleCallNames.length);
    const session = shell.session as ReturnType<typeof fakeSession>;
    expect(session.setPermissionRequestHandler).toHaveBeenCalledOnce();

    // Any page created later (a devtools or a popup attempt) gets the navigation guards too.
    const created = fakeWebContents('https://attacker.example/');
    shell.appHandlers.get('web-contents-created')?.({}, created);
    const preventDefault = vi.fn();
    created.emit('will-navigate', { preventDefault });
    expect(preventDefault).toHaveBeenCalledOnce();
  });

  it("opens the fleet with the keychain's vault, which says a plain secret is not sealed", async () => {
    const options = vi.mocked(openConsole).mock.calls.at(-1)?.[1] as { vault?: SecretVault };
    expect(options.vault).toBeDefined();
    const dir = await mkdtemp(join(tmpdir(), 'mailfleet-electron-vault-'));
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await writeFile(join(dir, 'key'), 'KEY-TEXT', { mode: 0o600 });
      expect(await options.vault!.read('admin-key', join(dir, 'key'))).toBe('KEY-TEXT');
      const said = stderr.mock.calls.map(([text]) => String(text)).join('');
      expect(said).toContain("is a plain file: run 'mailfleet console --seal-secrets'");
      expect(said).not.toContain('KEY-TEXT');
    } finally {
      stderr.mockRestore();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves the renderer build with the CSP on the app scheme, and nothing else', async () => {
    const handler = shell.protocolHandlers.get('mailfleet')!;
    const page = await handler(new Request('mailfleet://console/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await page.text()).toContain('<div id="root">');
    // The page's own meta CSP says the same as the header (minus what only a header can say).
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(
      await (await handler(new Request('mailfleet://console/index.html'))).text(),
    );
    expect(meta?.[1]).toBe(rendererContentSecurityPolicy.replace("; frame-ancestors 'none'", ''));
    expect((await handler(new Request('mailfleet://other/index.html'))).status).toBe(404);
    expect((await handler(new Request('mailfleet://console/../../package.json'))).status).toBe(404);
  });
});

describe('electron-main --seal-secrets', () => {
  let home: string;
  const said: string[] = [];

  beforeAll(async () => {
    home = await plainSecretsProfile({ key: 'KEY-TEXT\n', password: 'PW-TEXT\n' });
    vi.stubEnv('MAILFLEET_SEAL_SECRETS', '1');
    vi.stubEnv('MAILFLEET_FLEET', join(home, 'fleet.json'));
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      said.push(String(text));
      return true;
    });
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    await rm(home, { recursive: true, force: true });
  });

  /** Starts the main process in seal mode and returns the code it exits with. */
  async function sealRun(): Promise<number> {
    shell.exit.mockClear();
    said.length = 0;
    const windows = shell.windows.length;
    vi.resetModules();
    await import('../../../main/electron/electron-main.js');
    await vi.waitFor(() => {
      if (shell.exit.mock.calls.length === 0) throw new Error('not exited yet');
    });
    expect(shell.windows).toHaveLength(windows);
    return shell.exit.mock.calls[0]![0] as number;
  }

  it("refuses on Linux's basic_text keychain, sealing nothing", async () => {
    (shell.safeStorage as FakeSafeStorage).backend = 'basic_text';
    expect(await sealRun()).toBe(1);
    expect(said.join('')).toContain('the secrets stay as they are: no keyring service was found');
    await expect(readFile(join(home, 'key.sealed'))).rejects.toThrow(/ENOENT/);
  });

  it('seals the secrets with the keychain and exits without a window', async () => {
    (shell.safeStorage as FakeSafeStorage).backend = 'gnome_libsecret';
    expect(await sealRun()).toBe(0);
    expect(said.join('')).toContain(`sealed the directory bind password into ${join(home, 'pw.sealed')}`);
    expect(said.join('')).not.toMatch(/KEY-TEXT|PW-TEXT/);
    const sealed = JSON.parse(await readFile(join(home, 'key.sealed'), 'utf8'));
    expect(
      (shell.safeStorage as FakeSafeStorage).decryptString(Buffer.from(sealed.ciphertext, 'base64')),
    ).toBe('KEY-TEXT\n');
  });
});
