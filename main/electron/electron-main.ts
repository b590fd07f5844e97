/**
 * The Electron main process: one window on the console service, single instance. The only entry
 * point that imports Electron; everything it shows comes from main/console through the contract.
 * Started by `mailfleet console` with MAILFLEET_FLEET naming the fleet profile; with
 * MAILFLEET_SEAL_SECRETS=1 (`mailfleet console --seal-secrets`) it only seals the profile's secrets
 * with the OS keychain and exits.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, safeStorage, session } from 'electron';
import { packageRoot, rendererRoot } from '../console/console-paths.js';
import { type OpenConsole, openConsole } from '../console/open-console.js';
import { signInOptions } from '../console/sign-in-options.js';
import { consoleLocaleFor } from '../console/system-locale.js';
import { chooseProfilePath } from '../core/fleet-profile.js';
import { appEntryUrl } from './app-origin.js';
import { appSchemePrivileges, handleAppProtocol } from './app-protocol.js';
import { choosePasswordStore, consoleSecretVault, isSealRun, runSealSecrets } from './console-secrets.js';
import { forwardConsoleEvents, registerConsoleIpc } from './ipc-handlers.js';
import { denyPermissions, guardWebContents } from './web-contents-guards.js';
import { consoleWindowOptions } from './window-options.js';

const say = (line: string) => process.stderr.write(`${line}\n`);
const passwordStoreRefusal = choosePasswordStore(app.commandLine);

if (passwordStoreRefusal) {
  say(`mailfleet console: ${passwordStoreRefusal}`);
  app.exit(2);
} else if (isSealRun()) {
  // No window and no fleet links, so no single-instance lock: sealing while a console runs is fine
  // (the running one keeps the secrets it read; the next start reads the sealed files).
  void app
    .whenReady()
    .then(() => runSealSecrets(chooseProfilePath(undefined), safeStorage, say))
    .then((code) => app.exit(code));
} else if (!app.requestSingleInstanceLock()) {
  // A second start focuses the first window instead of opening a second link to every node.
  app.quit();
} else {
  protocol.registerSchemesAsPrivileged(appSchemePrivileges);
  let window: BrowserWindow | undefined;
  let opened: OpenConsole | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // Every page, including any the renderer might try to create, gets the guards.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

  app
    .whenReady()
    .then(async () => {
      denyPermissions(session.defaultSession);
      handleAppProtocol(protocol, rendererRoot());
      opened = await openConsole(chooseProfilePath(undefined), {
        systemLocale: consoleLocaleFor(app.getPreferredSystemLanguages()),
        // After ready: before it, Linux has not chosen its keyring.
        vault: consoleSecretVault(safeStorage, (line) => say(`mailfleet console: ${line}`)),
        ...signInOptions(process.env),
      });
      registerConsoleIpc(ipcMain, opened.service);
      window = new BrowserWindow(
        consoleWindowOptions(join(packageRoot(), 'dist', 'electron', 'preload.cjs')),
      );
      forwardConsoleEvents(opened.service, window.webContents);
      window.once('ready-to-show', () => window?.show());
      await window.loadURL(appEntryUrl);
    })
    .catch((error: unknown) => {
      say(`mailfleet console: ${error instanceof Error ? error.message : String(error)}`);
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    void (opened?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
