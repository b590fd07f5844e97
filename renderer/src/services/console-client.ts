/**
 * The renderer's one way to the console: the Electron preload when it is there, else the
 * browser-mode WebSocket. Only files in services/ call it; components go through the stores.
 */
import type { ConsoleApi, ConsolePreloadApi } from '../../../main/console/console-contract';
import { preloadConsoleApi } from './preload-adapter';
import { type LinkState, WebSocketConsoleLink } from './websocket-adapter';

/** The API and a way to follow the link's state. */
export interface ConsoleClient {
  api: ConsoleApi;
  /** Electron's IPC is always up; the WebSocket can drop. */
  onLinkState(listener: (state: LinkState) => void): () => void;
  transport: 'electron' | 'web';
}

declare global {
  interface Window {
    mailfleet?: ConsolePreloadApi;
  }
}

/** Picks the transport for this page. */
export function openConsoleClient(): ConsoleClient {
  if (window.mailfleet) {
    return { api: preloadConsoleApi(window.mailfleet), onLinkState: () => () => {}, transport: 'electron' };
  }
  const link = new WebSocketConsoleLink(WebSocketConsoleLink.urlFor(window.location));
  return { api: link.api(), onLinkState: (listener) => link.onState(listener), transport: 'web' };
}
