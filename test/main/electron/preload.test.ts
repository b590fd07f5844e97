/**
 * The preload with the `electron` module mocked: it exposes exactly the contract's calls as named
 * verbs (no generic invoke or send), each on its own channel, and a snapshot listener that can be
 * removed.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleCallNames, splitCallName } from '../../../main/console/console-contract.js';

const electron = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  invoke: vi.fn(async (..._args: unknown[]) => ({ ok: true, result: 'answer' })),
  on: vi.fn(),
  off: vi.fn(),
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => electron.exposed.set(key, api) },
  ipcRenderer: { invoke: electron.invoke, on: electron.on, off: electron.off },
}));

type Verbs = Record<string, Record<string, (params: unknown) => Promise<unknown>>>;
let api: Verbs;

beforeAll(async () => {
  await import('../../../main/electron/preload.js');
  api = electron.exposed.get('mailfleet') as Verbs;
});

describe('preload', () => {
  it('exposes one object, window.mailfleet, and nothing else', () => {
    expect([...electron.exposed.keys()]).toEqual(['mailfleet']);
  });

  it('has a named verb for every contract call and no generic door', () => {
    const verbs = Object.entries(api)
      .filter(([domain]) => domain !== 'events')
      .flatMap(([domain, group]) => Object.keys(group).map((verb) => `${domain}.${verb}`));
    expect(verbs.sort()).toEqual([...consoleCallNames].sort());
    const everyName = Object.values(api).flatMap((group) => Object.keys(group));
    for (const generic of ['invoke', 'send', 'call', 'on', 'ipcRenderer'])
      expect(everyName).not.toContain(generic);
  });

  it('sends each verb on its own channel with the params as given', async () => {
    for (const name of consoleCallNames) {
      const { domain, verb } = splitCallName(name);
      electron.invoke.mockClear();
      expect(await api[domain]![verb]!({ probe: name })).toEqual({ ok: true, result: 'answer' });
      expect(electron.invoke).toHaveBeenCalledWith(`mailfleet:${name}`, { probe: name });
    }
  });

  it('delivers pushed snapshots to a listener until it is removed', () => {
    const events = api.events as unknown as { onFleetSnapshot(l: (s: unknown) => void): () => void };
    const listener = vi.fn();
    const stop = events.onFleetSnapshot(listener);
    const [channel, forward] = electron.on.mock.calls[0] as [string, (event: unknown, s: unknown) => void];
    expect(channel).toBe('mailfleet-event:fleet.snapshot');
    forward({ sender: 'ignored' }, { at: 1 });
    expect(listener).toHaveBeenCalledWith({ at: 1 });
    stop();
    expect(electron.off).toHaveBeenCalledWith(channel, forward);
  });

  it('delivers pushed move progress on its own channel until the listener is removed', () => {
    const events = api.events as unknown as { onMoveProgress(l: (p: unknown) => void): () => void };
    const listener = vi.fn();
    electron.on.mockClear();
    const stop = events.onMoveProgress(listener);
    const [channel, forward] = electron.on.mock.calls[0] as [string, (event: unknown, p: unknown) => void];
    expect(channel).toBe('mailfleet-event:move.progress');
    forward({ sender: 'ignored' }, { job: { job: 'mv-1' } });
    expect(listener).toHaveBeenCalledWith({ job: { job: 'mv-1' } });
    stop();
    expect(electron.off).toHaveBeenCalledWith(channel, forward);
  });
});

describe('preload bundle', () => {
  it('requires nothing but electron (a sandboxed preload can load nothing else)', async () => {
    const { readFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { packageRoot } = await import('../../../main/console/console-paths.js');
    const bundle = await readFile(join(packageRoot(), 'dist', 'electron', 'preload.cjs'), 'utf8');
    const required = [...bundle.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(bundle).not.toMatch(/\bimport\s*\(/);
  });
});
