/**
 * The preload (sandboxed, bundled to dist/electron/preload.cjs): exposes the console contract to the
 * page as named verbs, `window.mailfleet.node.restartService({ node, service })`, one per call of the
 * contract, never a generic invoke. Each verb resolves to the reply envelope (`{ ok, result }` or
 * `{ ok: false, error }`): an Error would lose its code crossing the context bridge.
 */
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { type ConsoleEventName, consoleCallNames, splitCallName } from '../console/console-contract.js';
import { callChannel, eventChannel } from './ipc-channels.js';

const api: Record<string, Record<string, unknown>> = {};
for (const name of consoleCallNames) {
  const { domain, verb } = splitCallName(name);
  api[domain] ??= {};
  const channel = callChannel(name);
  api[domain][verb] = (params: unknown) => ipcRenderer.invoke(channel, params);
}
/** A listener on one event's channel; returns a function that removes it. */
function onEvent(name: ConsoleEventName, listener: (payload: unknown) => void): () => void {
  const channel = eventChannel(name);
  const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => ipcRenderer.off(channel, forward);
}

api.events = {
  onFleetSnapshot: (listener: (snapshot: unknown) => void) => onEvent('fleet.snapshot', listener),
  onMoveProgress: (listener: (progress: unknown) => void) => onEvent('move.progress', listener),
};

contextBridge.exposeInMainWorld('mailfleet', api);
