/**
 * Browser mode's security at its edge, with a real console service on a real fleet: the page and the
 * WebSocket need the one-time token, the socket only accepts our own Origin and Host, files outside
 * the renderer build are not served, and a payload that fails the contract is refused while the
 * same connection keeps serving valid calls. Clients are `ws` and Node's fetch, not our renderer.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { consoleFleetPush } from '../../../main/console/console-fleet-snapshot.js';
import { rendererRoot } from '../../../main/console/console-paths.js';
import { WebBridge } from '../../../main/console/web-bridge.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';

let fleet: ConsoleTestFleet;
let bridge: WebBridge;
const token = 'test-token-0123456789abcdefghij';

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'] });
  bridge = new WebBridge({ service: fleet.service, rendererRoot: rendererRoot(), token });
  await bridge.start();
});

afterAll(async () => {
  await bridge?.stop();
  await fleet?.stop();
});

/** A raw GET with chosen headers (fetch does not let a test set Host). */
function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(bridge.origin);
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

/** Opens a socket; resolves with it once open, or with the HTTP status the upgrade was refused with. */
function openSocket(url: string, origin: string | undefined): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, origin === undefined ? {} : { origin });
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

const apiUrl = (t: string | undefined) =>
  `${bridge.origin.replace('http', 'ws')}/api${t === undefined ? '' : `?token=${t}`}`;

describe('WebBridge', () => {
  it('prints a URL on 127.0.0.1 that carries the token', () => {
    expect(bridge.url).toBe(`${bridge.origin}/?token=${token}`);
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the page only with the token, with a strict CSP', async () => {
    const host = new URL(bridge.origin).host;
    expect((await get('/', { host })).status).toBe(403);
    expect((await get('/?token=wrong', { host })).status).toBe(403);
    const page = await get(`/?token=${token}`, { host });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe');
  });

  it('refuses another Host (DNS rebinding) and files outside the renderer build', async () => {
    expect((await get(`/?token=${token}`, { host: 'attacker.example' })).status).toBe(421);
    const host = new URL(bridge.origin).host;
    for (const path of [
      '/../package.json',
      '/..%2Fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/assets/../../../package.json',
    ]) {
      const response = await get(path, { host });
      expect(response.status, path).toBe(404);
      expect(response.body).not.toContain('"name": "mailfleet"');
    }
  });

  it('refuses a WebSocket without the token or with a wrong one', async () => {
    expect(await openSocket(apiUrl(undefined), bridge.origin)).toBe(401);
    expect(await openSocket(apiUrl('wrong-token'), bridge.origin)).toBe(401);
    expect(await openSocket(apiUrl(`${token}x`), bridge.origin)).toBe(401);
  });

  it('refuses a WebSocket from a foreign Origin or with none, even with the token', async () => {
    expect(await openSocket(apiUrl(token), 'http://attacker.example')).toBe(403);
    expect(await openSocket(apiUrl(token), 'http://127.0.0.1:1')).toBe(403);
    expect(await openSocket(apiUrl(token), 'null')).toBe(403);
    expect(await openSocket(apiUrl(token), undefined)).toBe(403);
  });

  it('refuses payloads failing the contract and keeps serving valid calls on the same connection', async () => {
    const socket = await openSocket(apiUrl(token), bridge.origin);
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
    const big = await openSocket(apiUrl(token), bridge.origin);
    if (typeof big === 'number') throw new Error(`refused with ${big}`);
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.on('error', () => {});
    big.send(JSON.stringify({ id: 1, call: 'locale.get', params: { pad: 'x'.repeat(100_000) } }));
    expect(await closed).toBe(1009);
    const next = await openSocket(apiUrl(token), bridge.origin);
    if (typeof next === 'number') throw new Error(`refused with ${next}`);
    expect(await ask(next, '{"id":9,"call":"locale.get","params":{}}', 9)).toMatchObject({ ok: true });
    next.close();
  });

  it('pushes a newly connected page the whole snapshot first, then partial pushes', async () => {
    const socket = await openSocket(apiUrl(token), bridge.origin);
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
});
