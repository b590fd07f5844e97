/**
 * Guards on everything a page could ask Electron for: navigating away, opening windows, embedding
 * webviews, and permissions (camera, notifications, geolocation...). The console needs none of
 * them, so all are refused.
 */
import type { Session, WebContents } from 'electron';

/** Denies navigation, new windows and webviews for one page. */
export function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Refuses every permission request and check in a session. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}
