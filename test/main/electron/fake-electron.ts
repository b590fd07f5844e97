/**
 * Stand-ins for the Electron objects the shell touches (the binary cannot run here): they record
 * what the shell registers so tests can call it the way Electron would.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** A handler as `ipcMain.handle` receives it. */
export type InvokeHandler = (event: { senderFrame: unknown }, ...args: unknown[]) => Promise<unknown>;

/** ipcMain: keeps the handlers by channel. */
export function fakeIpcMain() {
  const handlers = new Map<string, InvokeHandler>();
  return {
    handlers,
    handle: vi.fn((channel: string, handler: InvokeHandler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    }),
    removeHandler: vi.fn((channel: string) => handlers.delete(channel)),
  };
}

/** A frame as `event.senderFrame` carries it. */
export function frame(url: string, parent: unknown = null) {
  return { url, parent };
}

/** webContents: an EventEmitter with the window-open handler and send recorded. */
export function fakeWebContents(url = 'mailfleet://console/index.html') {
  const contents = Object.assign(new EventEmitter(), {
    windowOpenHandler: undefined as undefined | ((details: { url: string }) => { action: string }),
    setWindowOpenHandler: vi.fn(),
    send: vi.fn(),
    isDestroyed: vi.fn(() => false),
    getURL: vi.fn(() => url),
  });
  contents.setWindowOpenHandler.mockImplementation((handler) => {
    contents.windowOpenHandler = handler;
  });
  return contents;
}

/** session: records the permission handlers. */
export function fakeSession() {
  return {
    setPermissionRequestHandler: vi.fn(),
    setPermissionCheckHandler: vi.fn(),
    setDevicePermissionHandler: vi.fn(),
  };
}
