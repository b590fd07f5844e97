import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { JsonLogger } from '../../../agent/common/json-logger.js';
import { SystemdNotifier } from '../../../agent/daemon/systemd-notifier.js';
import { listenNotifySocket, type NotifySocketListener } from '../../support/notify-socket-listener.js';

let dir: string;
let listener: NotifySocketListener | undefined;
const logLines: string[] = [];
const logger = new JsonLogger('store05', 'systemd', 'debug', (line) => logLines.push(line));

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mailfleet-notify-'));
});
afterEach(async () => {
  listener?.close();
  listener = undefined;
  await rm(dir, { recursive: true, force: true });
});

test('sends READY=1, WATCHDOG=1 pings and STOPPING=1 to NOTIFY_SOCKET', async () => {
  listener = await listenNotifySocket(join(dir, 'notify.sock'));
  const env = {
    ...process.env,
    NOTIFY_SOCKET: listener.path,
    WATCHDOG_USEC: '400000',
    WATCHDOG_PID: String(process.pid),
  };
  const notifier = new SystemdNotifier({ env, logger });
  expect(notifier.enabled).toBe(true);
  expect(notifier.watchdogIntervalMs).toBe(400);
  await notifier.ready('serving store05');
  expect(await listener.waitFor('READY=1')).toContain(`MAINPID=${process.pid}`);
  await listener.waitFor('WATCHDOG=1');
  await notifier.stopping();
  await listener.waitFor('STOPPING=1');
  expect(logLines.filter((line) => line.includes('"warn"'))).toEqual([]);
});

test('does nothing without NOTIFY_SOCKET, and ignores a watchdog meant for another process', async () => {
  const quiet = new SystemdNotifier({ env: {}, logger, notifyCommand: '/nonexistent/systemd-notify' });
  expect(quiet.enabled).toBe(false);
  await quiet.ready();
  await quiet.stopping();
  const other = new SystemdNotifier({
    env: { NOTIFY_SOCKET: '/run/x', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1' },
    logger,
    pid: 4242,
  });
  expect(other.watchdogIntervalMs).toBeUndefined();
});
