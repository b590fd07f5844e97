/**
 * The console's doors (the browser-mode WebSocket and Electron IPC, with ipcMain stood in for) refuse
 * payloads nested deeper than the limit, too wide or cyclic before any schema walks them, and go on
 * serving the same page. Real console service on a real fleet; the WebSocket client is `ws`.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import WebSocket from 'ws';
import { rendererRoot } from '../../../main/console/console-paths.js';
import { WebBridge } from '../../../main/console/web-bridge.js';
import { registerConsoleIpc } from '../../../main/electron/ipc-handlers.js';
import { consoleSessionCookie } from '../../support/console-session.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';
import { fakeIpcMain, frame } from '../electron/fake-electron.js';

let fleet: ConsoleTestFleet;
let bridge: WebBridge;
const token = 'bounds-token-0123456789abcdefghij';
const ipcMain = fakeIpcMain();

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'] });
  bridge = new WebBridge({ service: fleet.service, rendererRoot: rendererRoot(), token });
  await bridge.start();
  registerConsoleIpc(ipcMain as never, fleet.service);
});

afterAll(async () => {
  await bridge?.stop();
  await fleet?.stop();
});

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

test('a WebSocket call with params nested 30,000 deep is refused and the page keeps being served', async () => {
  // The page's session, as a browser gets it from the printed URL (the token works once).
  const cookie = await consoleSessionCookie(bridge);
  const socket = new WebSocket(`${bridge.origin.replace('http', 'ws')}/api`, {
    origin: bridge.origin,
    headers: { cookie },
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const replies = new Map<number, { ok: boolean; error?: { code: string; message: string } }>();
  const ask = (id: number, text: string) =>
    new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => {
      const onMessage = (data: WebSocket.RawData) => {
        const message = JSON.parse(data.toString()) as { id?: number; reply?: never };
        if (message.id === id && message.reply) {
          socket.off('message', onMessage);
          replies.set(id, message.reply);
          resolve(message.reply);
        }
      };
      socket.on('message', onMessage);
      socket.send(text);
    });
  // 60 KB: under the bridge's 64 KiB message limit, 30,000 levels deep.
  const deep = `{"id":1,"call":"queue.list","params":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
  expect(await ask(1, deep)).toMatchObject({
    ok: false,
    error: { code: 'bad-request', message: expect.stringMatching(/nested deeper than 32 levels/) },
  });
  expect(await ask(2, '{"id":2,"call":"locale.get","params":{}}')).toMatchObject({ ok: true });
  socket.close();
});

test('IPC payloads too deep, too wide or cyclic are refused before the contract reads them', async () => {
  const invoke = (params: unknown) =>
    ipcMain.handlers.get('mailfleet:queue.list')?.(
      { senderFrame: frame('mailfleet://console/index.html') },
      params,
    );
  const cyclic: Record<string, unknown> = { node: 'store01' };
  cyclic.self = cyclic;
  for (const [params, why] of [
    [{ node: 'store01', filter: nested(100_000) }, /nested deeper than 32 levels/],
    [{ node: 'store01', ids: Array.from({ length: 1_000_000 }, () => 'q1') }, /more than 20000 values/],
    [{ node: 'store01', recipient: 'x'.repeat(2_000_000) }, /more than 1048576 characters/],
    [cyclic, /nested deeper than 32 levels/],
  ] as const) {
    expect(await invoke(params)).toMatchObject({
      ok: false,
      error: { code: 'bad-request', message: expect.stringMatching(why) },
    });
  }
  const locale = ipcMain.handlers.get('mailfleet:locale.get');
  expect(await locale?.({ senderFrame: frame('mailfleet://console/index.html') }, {})).toMatchObject({
    ok: true,
  });
});
