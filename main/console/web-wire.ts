/**
 * Messages of the browser-mode WebSocket (one JSON object per message): the page sends calls, the
 * console answers each by id and pushes events. Electron IPC does not use these: it has its own
 * channels per call (main/electron/ipc-channels.ts).
 */
import { z } from 'zod';
import type { ConsoleEventName, ConsoleReply } from './console-contract.js';

/** Path of the WebSocket on the bridge's HTTP server. */
export const webApiPath = '/api';
/** Name of the query parameter that carries the one-time token. */
export const webTokenParameter = 'token';
/** Largest message a page may send; the biggest call is a few hundred bytes. */
export const maxWebMessageBytes = 64 * 1024;

/** A call from the page. */
export const webCall = z.object({
  id: z.number().int().nonnegative(),
  call: z.string().max(100),
  params: z.unknown().optional(),
});
export type WebCall = z.infer<typeof webCall>;

/** An answer to one call (`id` null when the message could not be read at all). */
export type WebReply = { id: number | null; reply: ConsoleReply };
/** A pushed event. */
export type WebEvent = { event: ConsoleEventName; payload: unknown };
