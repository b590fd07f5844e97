/**
 * The IPC handlers with Electron's ipcMain stood in for (no binary here) and a real console service
 * on a real fleet: every contract call has a handler; a message from any frame that is not the
 * console's own top-level page is refused before its payload is read; payloads failing the contract
 * are refused; events go only to the console's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleCallNames } from '../../../main/console/console-contract.js';
import { callChannel, eventChannel } from '../../../main/electron/ipc-channels.js';
import { forwardConsoleEvents, registerConsoleIpc } from '../../../main/electron/ipc-handlers.js';
import { type ConsoleTestFleet, startConsoleTestFleet } from '../../support/console-test-fleet.js';
import { fakeIpcMain, fakeWebContents, frame } from './fake-electron.js';

let fleet: ConsoleTestFleet;
const ipcMain = fakeIpcMain();
let unregister: () => void;

beforeAll(async () => {
  fleet = await startConsoleTestFleet({ stores: ['store01'], systemLocale: 'ja' });
  unregister = registerConsoleIpc(ipcMain as never, fleet.service);
});

afterAll(async () => {
  await fleet?.stop();
});

const appFrame = frame('mailfleet://console/index.html');
const invoke = (name: string, sender: unknown, params: unknown) => {
  const handler = ipcMain.handlers.get(`mailfleet:${name}`);
  if (!handler) throw new Error(`no handler for ${name}`);
  return handler({ senderFrame: sender }, params);
};

describe('console IPC', () => {
  it('has one handler per contract call and nothing else', () => {
    expect([...ipcMain.handlers.keys()].sort()).toEqual(consoleCallNames.map(callChannel).sort());
  });

  it("answers the console's own page", async () => {
    expect(await invoke('locale.get', appFrame, {})).toEqual({
      ok: true,
      result: { locale: 'ja', system: 'ja' },
    });
  });

  it('refuses untrusted senders without running the call', async () => {
    const untrusted = [
      null,
      frame('https://attacker.example/'),
      frame('file:///work/wt/console/dist/renderer/index.html'),
      frame('mailfleet://other/index.html'),
      frame('mailfleet://user:pw@console/index.html'),
      frame('devtools://devtools/bundled/inspector.html'),
      frame('not a url'),
      // A subframe of our own page (an injected iframe) is not our page.
      frame('mailfleet://console/index.html', appFrame),
    ];
    for (const sender of untrusted) {
      const reply = await invoke('locale.set', sender, { locale: 'en' });
      expect(reply, JSON.stringify(sender)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(await fleet.service.run('locale.get', {})).toEqual({ locale: 'ja', system: 'ja' });
  });

  it('refuses payloads failing the contract, then serves the next valid one', async () => {
    for (const params of [
      { node: 'store01' },
      { node: 'store01', service: 'x'.repeat(100) },
      'store01',
      [1, 2],
    ]) {
      expect(await invoke('node.restartService', appFrame, params)).toMatchObject({
        ok: false,
        error: { code: 'bad-request' },
      });
    }
    expect(await invoke('locale.set', appFrame, { locale: 'xx' })).toMatchObject({ ok: false });
    expect(await invoke('locale.set', appFrame, { locale: 'en' })).toMatchObject({
      ok: true,
      result: { locale: 'en' },
    });
  });

  it("pushes snapshots only to the console's page, and stops when the page is gone", async () => {
    const page = fakeWebContents();
    forwardConsoleEvents(fleet.service, page as never);
    await expect.poll(() => page.send.mock.calls.length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(page.send.mock.calls[0]?.[0]).toBe(eventChannel('fleet.snapshot'));

    const navigatedAway = fakeWebContents('https://attacker.example/');
    forwardConsoleEvents(fleet.service, navigatedAway as never);
    page.emit('destroyed');
    const sentBefore = page.send.mock.calls.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(navigatedAway.send).not.toHaveBeenCalled();
    expect(page.send.mock.calls.length).toBe(sentBefore);
  });

  it("passes move progress to the console's page only, on its own channel", () => {
    const page = fakeWebContents();
    const elsewhere = fakeWebContents('https://attacker.example/');
    forwardConsoleEvents(fleet.service, page as never);
    forwardConsoleEvents(fleet.service, elsewhere as never);
    // The service emits what the fleet's store nodes push (move-calls.test.ts follows a real move).
    const progress = { job: { job: 'mv-store01-1' } } as never;
    fleet.service.events.emit('move.progress', progress);
    expect(page.send).toHaveBeenCalledWith(eventChannel('move.progress'), progress);
    expect(elsewhere.send).not.toHaveBeenCalled();
    page.emit('destroyed');
    elsewhere.emit('destroyed');
  });

  it('removes every handler it registered', () => {
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
  });
});
