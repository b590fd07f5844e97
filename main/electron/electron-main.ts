/**
 * The Electron main process: one window on the console service, single instance. The only entry
 * point that imports Electron; everything it shows comes from main/console through the contract.
 * Started by `mailfleet console` with MAILFLEET_FLEET naming the fleet profile.
 */
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session } from 'electron';
import { packageRoot, rendererRoot } from '../console/console-paths.js';
import { type OpenConsole, openConsole } from '../console/open-console.js';
import { consoleLocaleFor } from '../console/system-locale.js';
import { chooseProfilePath } from '../core/fleet-profile.js';
import { appEntryUrl } from './app-origin.js';
import { appSchemePrivileges, handleAppProtocol } from './app-protocol.js';
import { forwardConsoleEvents, registerConsoleIpc } from './ipc-handlers.js';
import { denyPermissions, guardWebContents } from './web-contents-guards.js';
import { consoleWindowOptions } from './window-options.js';

// A second start focuses the first window instead of opening a second link to every node.
if (!app.requestSingleInstanceLock()) {
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
      process.stderr.write(`mailfleet console: ${error instanceof Error ? error.message : String(error)}\n`);
      app.exit(1);
    });

  app.on('window-all-closed', () => {
    void (opened?.close() ?? Promise.resolve()).finally(() => app.quit());
  });
}
