/** The console API in the Electron window: the preload's named verbs, with their replies unwrapped. */
import type { ConsoleApi, ConsolePreloadApi, ConsoleReply } from '../../../main/console/console-contract';
import { unwrapReply } from './console-error';

/** Wraps `window.mailfleet` (set by main/electron/preload.ts). */
export function preloadConsoleApi(preload: ConsolePreloadApi): ConsoleApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const [domain, verbs] of Object.entries(preload)) {
    if (domain === 'events') continue;
    api[domain] = {};
    for (const [verb, call] of Object.entries(
      verbs as unknown as Record<string, (p: unknown) => Promise<ConsoleReply>>,
    )) {
      api[domain][verb] = async (params: unknown) => unwrapReply(await call(params));
    }
  }
  return { ...(api as unknown as Omit<ConsoleApi, 'events'>), events: preload.events };
}
