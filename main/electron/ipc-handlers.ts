/**
 * The console contract over Electron IPC: one `ipcMain.handle` per call, each checking that the
 * message comes from the console's own page (the frame URL is on the app origin) before the payload
 * is even parsed, then the payload against the contract (console-dispatch.ts). Events go only to
 * the console window's page.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { ConsoleBackend } from '../console/console-backend.js';
import { type ConsoleReply, consoleCallNames } from '../console/console-contract.js';
import { dispatchConsoleCall } from '../console/console-dispatch.js';
import { isAppUrl } from './app-origin.js';
import { callChannel, eventChannel } from './ipc-channels.js';

/** Whether an IPC message comes from the console's page. */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  // Only the top frame of our page: a subframe has no business calling the console.
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

const refused: ConsoleReply = {
  ok: false,
  error: { code: 'forbidden', message: 'this page may not call the console' },
};

/** Registers a handler for every call; returns a function that removes them. */
export function registerConsoleIpc(ipcMain: IpcMain, service: ConsoleBackend): () => void {
  for (const name of consoleCallNames) {
    ipcMain.handle(callChannel(name), async (event, params: unknown): Promise<ConsoleReply> => {
      if (!isTrustedSender(event)) return refused;
      return dispatchConsoleCall(service, name, params);
    });
  }
  return () => {
    for (const name of consoleCallNames) ipcMain.removeHandler(callChannel(name));
  };
}

/** Pushes the service's events to one page while it shows the console. */
export function forwardConsoleEvents(service: ConsoleBackend, contents: WebContents): void {
  service.events.on('fleet.snapshot', contents, (snapshot) => {
    if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
    contents.send(eventChannel('fleet.snapshot'), snapshot);
  });
  service.events.on('move.progress', contents, (progress) => {
    if (contents.isDestroyed() || !isAppUrl(contents.getURL())) return;
    contents.send(eventChannel('move.progress'), progress);
  });
  contents.once('destroyed', () => service.events.removeOwner(contents));
}
