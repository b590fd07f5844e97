/**
 * The window's security settings and the guards on its page, with Electron's objects stood in for:
 * isolation, sandbox and no Node in the page; navigation, redirects, new windows and webviews
 * refused; every permission refused.
 */
import { describe, expect, it, vi } from 'vitest';
import { isAppUrl } from '../../../main/electron/app-origin.js';
import { denyPermissions, guardWebContents } from '../../../main/electron/web-contents-guards.js';
import { consoleWindowOptions } from '../../../main/electron/window-options.js';
import { fakeSession, fakeWebContents } from './fake-electron.js';

describe('console window', () => {
  it('isolates the page: context isolation, sandbox, no Node, web security on', () => {
    const { webPreferences } = consoleWindowOptions('/app/dist/electron/preload.cjs');
    expect(webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('refuses navigation, redirects and webviews, and opens no window', () => {
    const contents = fakeWebContents();
    guardWebContents(contents as never);
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const preventDefault = vi.fn();
      contents.emit(event, { preventDefault }, 'https://attacker.example/');
      expect(preventDefault, event).toHaveBeenCalledOnce();
    }
    expect(contents.windowOpenHandler?.({ url: 'https://attacker.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'mailfleet://console/index.html' })).toEqual({
      action: 'deny',
    });
  });

  it('refuses every permission request and check', () => {
    const session = fakeSession();
    denyPermissions(session as never);
    const request = session.setPermissionRequestHandler.mock.calls[0]?.[0] as (
      c: unknown,
      p: string,
      cb: (granted: boolean) => void,
    ) => void;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request({}, permission, callback);
      expect(callback, permission).toHaveBeenCalledWith(false);
    }
    const check = session.setPermissionCheckHandler.mock.calls[0]?.[0] as () => boolean;
    expect(check()).toBe(false);
    const device = session.setDevicePermissionHandler.mock.calls[0]?.[0] as () => boolean;
    expect(device()).toBe(false);
  });

  it('trusts only URLs on the app origin', () => {
    expect(isAppUrl('mailfleet://console/index.html')).toBe(true);
    expect(isAppUrl('mailfleet://console/assets/index.js')).toBe(true);
    for (const url of [
      'http://127.0.0.1/',
      'file:///index.html',
      'mailfleet://consolex/',
      'mailfleet:console',
      '',
      undefined,
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });
});
