/**
 * Browser mode's sign-in as a browser does it: the printed URL's one-time token exchanged for the
 * session cookie (main/console/web-session.ts), for tests that then talk to the bridge with `ws` or
 * raw HTTP. The token works once per bridge.
 */
import { request } from 'node:http';

/** GETs the bridge's printed URL and returns the `Cookie` header value it set (`name=value`). */
export function consoleSessionCookie(bridge: { url: string }): Promise<string> {
  const url = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers: { host: url.host },
      },
      (res) => {
        res.resume();
        const setCookie = res.headers['set-cookie']?.[0];
        if (res.statusCode !== 303 || !setCookie) reject(new Error(`no session: HTTP ${res.statusCode}`));
        else resolve(setCookie.split(';')[0] ?? '');
      },
    );
    req.on('error', reject);
    req.end();
  });
}
