/**
 * Browser mode's security at its edge, with a real console service on a real fleet: the one-time
 * token of the printed URL is exchanged once for an HttpOnly SameSite=Strict session cookie, and
 * the page, its files and the WebSocket need that cookie (curl shows the printed URL cannot be used
 * a second time, and `/%69ndex.html` is not the page without it: issue 10, finding 13); the socket
 * only accepts our own Origin and Host, files outside the renderer build are not served, and a
 * payload that fails the contract is refused while the same connection keeps serving valid calls.
 * Clients are curl, `ws` and raw HTTP, not our renderer.
 */
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { consoleFleetPush } from '../../../main/console/console-fleet-snapshot.js';
import { rendererRoot } from '../../../main/console/console-paths.js';
import { WebBridge } from '../../../main/console/web-bridge.js';
import { consoleSessionCookie } from '../../support/console-session.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';

const run = promisify(execFile);
let fleet: ConsoleTestFleet;
let bridge: WebBridge;
const token = 'test-token-0123456789abcdefghij';
/** The `Cookie` header of the session `bridge` gave this test (after the first exchange). */
let cookie = '';
const extraBridges: WebBridge[] = [];

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'] });
  bridge = new WebBridge({ service: fleet.service, rendererRoot: rendererRoot(), token });
  await bridge.start();
  cookie = await consoleSessionCookie(bridge);
});

afterAll(async () => {
  for (const extra of extraBridges) await extra.stop();
  await bridge?.stop();
  await fleet?.stop();
});

/** Another bridge on the same service, with its own token not yet used. */
async function freshBridge(freshToken: string): Promise<WebBridge> {
  const fresh = new WebBridge({ service: fleet.service, rendererRoot: rendererRoot(), token: freshToken });
  await fresh.start();
  extraBridges.push(fresh);
  return fresh;
}

/** curl -si (the real client no one here wrote): status line and headers, then the body. */
async function curl(url: string, ...args: string[]): Promise<{ status: number; text: string }> {
  const { stdout } = await run('curl', ['-si', '--max-time', '10', ...args, url]);
  return { status: Number(/^HTTP\/[\d.]+ (\d{3})/.exec(stdout)?.[1]), text: stdout };
}

/** A raw GET with chosen headers (fetch does not let a test set Host). */
function get(
  path: string,
  headers: Record<string, string> = {},
  on: WebBridge = bridge,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(on.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: url.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Opens a socket (with the session cookie unless `withCookie` is false); resolves with it once
 * open, or with the HTTP status the upgrade was refused with.
 */
function openSocket(url: string, origin: string | undefined, withCookie = true): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const headers = withCookie ? { cookie } : {};
    const socket = new WebSocket(url, origin === undefined ? { headers } : { origin, headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.once('error', reject);
  });
}

/** Sends one text message and waits for the answer with that id (or id null). */
function ask(socket: WebSocket, text: string | Buffer, id: number | null): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as { id?: number | null; reply?: unknown };
      if ('reply' in message && message.id === id) {
        socket.off('message', onMessage);
        resolve(message.reply);
      }
    };
    socket.on('message', onMessage);
    socket.send(text);
  });
}

const apiUrl = (t?: string) =>
  `${bridge.origin.replace('http', 'ws')}/api${t === undefined ? '' : `?token=${t}`}`;

describe('WebBridge', () => {
  it('prints a URL on 127.0.0.1 that carries the token', () => {
    expect(bridge.url).toBe(`${bridge.origin}/?token=${token}`);
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('exchanges the printed URL once for an HttpOnly SameSite=Strict cookie; used again it is refused (curl)', async () => {
    const fresh = await freshBridge('fresh-token-0123456789abcdefghij');
    const first = await curl(fresh.url);
    expect(first.status).toBe(303);
    expect(first.text).toMatch(/\r\nlocation: \/\r\n/i);
    const setCookie = /\r\nset-cookie: ([^\r]*)/i.exec(first.text)?.[1] ?? '';
    expect(setCookie).toMatch(
      new RegExp(`^mailfleet-console-${new URL(fresh.origin).port}=[A-Za-z0-9_-]{40,};`),
    );
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    // Someone who read the URL later (scrollback, history) gets nothing with it.
    const again = await curl(fresh.url);
    expect(again.status).toBe(403);
    expect(again.text).toContain('already used');
    // The browser that used it has the page.
    const session = setCookie.split(';')[0] ?? '';
    const page = await curl(`${fresh.origin}/`, '-H', `Cookie: ${session}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    // Reopening the printed URL in that same browser just goes on to the page.
    expect((await curl(fresh.url, '-H', `Cookie: ${session}`)).status).toBe(303);
  });

  it('decides on the decoded path: /%69ndex.html is not the page without the session (curl)', async () => {
    for (const path of ['/%69ndex.html', '/index%2ehtml', '/./index.html', '/assets/../index.html', '/']) {
      const response = await curl(`${bridge.origin}${path}`, '--path-as-is');
      expect(response.status, path).toBe(403);
      expect(response.text, path).not.toContain('<div id="root">');
      const withSession = await curl(`${bridge.origin}${path}`, '--path-as-is', '-H', `Cookie: ${cookie}`);
      expect(withSession.status, path).toBe(200);
      expect(withSession.text, path).toContain('<div id="root">');
    }
    // The build's scripts need the session too.
    const withSession = await get('/', { host: new URL(bridge.origin).host, cookie });
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(withSession.body)?.[1] ?? '';
    expect(script).not.toBe('');
    expect((await curl(`${bridge.origin}${script}`)).status).toBe(403);
    expect((await curl(`${bridge.origin}${script}`, '-H', `Cookie: ${cookie}`)).status).toBe(200);
  });

  it('serves the page with the session only, with a strict CSP', async () => {
    const host = new URL(bridge.origin).host;
    expect((await get('/', { host })).status).toBe(403);
    expect((await get('/?token=wrong', { host })).status).toBe(403);
    expect((await get('/', { host, cookie: `${cookie}x` })).status).toBe(403);
    const page = await get('/', { host, cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe');
  });

  it('refuses another Host (DNS rebinding) and files outside the renderer build', async () => {
    expect((await get('/', { host: 'attacker.example', cookie })).status).toBe(421);
    const host = new URL(bridge.origin).host;
    for (const path of [
      '/../package.json',
      '/..%2Fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/../../../package.json',
    ]) {
      const response = await get(path, { host, cookie });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('"name": "mailfleet"');
    }
  });

  it('refuses a WebSocket without the session, whatever token it brings', async () => {
    expect(await openSocket(apiUrl(), bridge.origin, false)).toBe(401);
    expect(await openSocket(apiUrl(token), bridge.origin, false)).toBe(401);
    expect(await openSocket(apiUrl('wrong-token'), bridge.origin, false)).toBe(401);
  });

  it('refuses a WebSocket from a foreign Origin or with none, even with the session', async () => {
    expect(await openSocket(apiUrl(), 'http://attacker.example')).toBe(403);
    expect(await openSocket(apiUrl(), 'http://127.0.0.1:1')).toBe(403);
    expect(await openSocket(apiUrl(), 'null')).toBe(403);
    expect(await openSocket(apiUrl(), undefined)).toBe(403);
  });

  it('refuses payloads failing the contract and keeps serving valid calls on the same connection', async () => {
    const socket = await openSocket(apiUrl(), bridge.origin);
    if (typeof socket === 'number') throw new Error(`refused with ${socket}`);
    try {
      expect(await ask(socket, '{"id":1,"call":"locale.get","params":{}}', 1)).toMatchObject({ ok: true });
      expect(await ask(socket, 'not json at all', null)).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
      expect(await ask(socket, '{"call":"locale.get"}', null)).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
      expect(
        await ask(socket, JSON.stringify({ id: 2, call: 'node.restartService', params: { node: 7 } }), 2),
      ).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
      expect(await ask(socket, JSON.stringify({ id: 3, call: 'process.exit', params: {} }), 3)).toMatchObject(
        {
          ok: false,
          error: { code: 'bad-request' },
        },
      );
      expect(await ask(socket, Buffer.from([0xff, 0x00, 0x01]), null)).toMatchObject({ ok: false });
      const snapshot = (await ask(
        socket,
        JSON.stringify({ id: 4, call: 'fleet.snapshot', params: {} }),
        4,
      )) as {
        ok: boolean;
        result: { nodes: Array<{ name: string }> };
      };
      expect(snapshot.ok).toBe(true);
      expect(snapshot.result.nodes.map((n) => n.name)).toEqual(['store01']);
    } finally {
      socket.close();
    }
  });

  it('closes a connection that sends an oversized message, and serves the next one', async () => {
    const big = await openSocket(apiUrl(), bridge.origin);
    if (typeof big === 'number') throw new Error(`refused with ${big}`);
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.on('error', () => {});
    big.send(JSON.stringify({ id: 1, call: 'locale.get', params: { pad: 'x'.repeat(100_000) } }));
    expect(await closed).toBe(1009);
    const next = await openSocket(apiUrl(), bridge.origin);
    if (typeof next === 'number') throw new Error(`refused with ${next}`);
    expect(await ask(next, '{"id":9,"call":"locale.get","params":{}}', 9)).toMatchObject({ ok: true });
    next.close();
  });

  it('pushes a newly connected page the whole snapshot first, then partial pushes', async () => {
    const socket = await openSocket(apiUrl(), bridge.origin);
    if (typeof socket === 'number') throw new Error(`refused with ${socket}`);
    const events: Array<{ event: string; payload: unknown }> = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.event) events.push(message);
    });
    await expect.poll(() => events.length, { timeout: 5000 }).toBeGreaterThanOrEqual(2);
    socket.close();
    const pushes = events.map((e) => consoleFleetPush.parse(e.payload));
    expect(events.every((e) => e.event === 'fleet.snapshot')).toBe(true);
    // The page cannot merge changes into nothing: what it gets first is every node.
    expect(pushes[0]!.partial).toBeUndefined();
    expect(pushes[0]!.nodes.map((n) => n.name)).toEqual(['store01']);
    expect(pushes[1]!.partial).toBe(true);
  });

  it('pushes move progress to a connected page as its own event', async () => {
    const socket = await openSocket(apiUrl(), bridge.origin);
    if (typeof socket === 'number') throw new Error(`refused with ${socket}`);
    const progress: unknown[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.event === 'move.progress') progress.push(message.payload);
    });
    // The page is connected once it has its first snapshot.
    await new Promise((resolve) => socket.once('message', resolve));
    // What the fleet's store nodes push reaches the service's bus (move-calls.test.ts follows a real move).
    const payload = { job: { job: 'mv-store01-1', phase: 'copy' } } as never;
    fleet.service.events.emit('move.progress', payload);
    await expect.poll(() => progress, { timeout: 5000 }).toEqual([payload]);
    socket.close();
  });
});
