/**
 * Serves the built renderer on `mailfleet://console/`, with the same security headers as browser
 * mode. The scheme is registered as standard and secure before the app is ready (Electron requires
 * that), so the page gets a real origin, `fetch` works on it and mixed content is blocked.
 */
import type { Protocol } from 'electron';
import { rendererSecurityHeaders } from '../console/content-security-policy.js';
import { canonicalRequestPath, readStaticFile } from '../console/static-files.js';
import { appHost, appScheme } from './app-origin.js';

/** Options for `protocol.registerSchemesAsPrivileged`, called before `app.ready`. */
export const appSchemePrivileges = [
  {
    scheme: appScheme,
    privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: false },
  },
];

/** Answers `mailfleet://console/...` from the renderer build; any other host is refused. */
export function handleAppProtocol(protocol: Protocol, rendererRoot: string): void {
  protocol.handle(appScheme, async (request) => {
    const url = new URL(request.url);
    if (url.host !== appHost || request.method !== 'GET') return new Response('not found', { status: 404 });
    const path = canonicalRequestPath(url.pathname);
    const file = path === undefined ? undefined : await readStaticFile(rendererRoot, path);
    if (!file) return new Response('not found', { status: 404 });
    return new Response(new Uint8Array(file.body), {
      status: 200,
      headers: { 'content-type': file.contentType, ...rendererSecurityHeaders },
    });
  });
}
