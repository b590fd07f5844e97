/**
 * The target's side of the `mailfleet-sync` channel: one channel per request on the SSH connection
 * to the source's agent, the request frame, then the answer frames parsed and checked until `end`.
 * An `error` frame, a frame that does not parse, or a channel that ends early rejects in words.
 */
import type { Duplex } from 'node:stream';
import { type BodyDestination, readFrames, writeFrame } from './sync-frames.js';
import { type SyncAnswer, type SyncRequest, syncAnswer } from './sync-protocol.js';

/** Opens a fresh sync channel to the source. */
export type OpenSyncChannel = () => Promise<Duplex>;

/** An answer frame with its body (empty but for `message`). */
export type SyncAnswerFrame = SyncAnswer & { body: Buffer };

/** The source refused or failed a request; the message is the source's words. */
export class SyncRequestError extends Error {
  override readonly name = 'SyncRequestError';
}

/**
 * Sends one request and yields its answers (without the final `end`); message bodies go where
 * `bodyInto` says (see readFrames).
 */
export async function* syncRequestFrames(
  open: OpenSyncChannel,
  request: SyncRequest,
  bodyInto?: BodyDestination,
): AsyncGenerator<SyncAnswerFrame> {
  const channel = await open();
  let ended = false;
  try {
    await writeFrame(channel, request);
    for await (const frame of readFrames(channel, bodyInto)) {
      const parsed = syncAnswer.safeParse(frame.header);
      if (!parsed.success) throw new SyncRequestError(`the source sent a frame that is not an answer`);
      const answer = parsed.data;
      if (answer.kind === 'error')
        throw new SyncRequestError(`the source refused ${request.op}: ${answer.message}`);
      if (answer.kind === 'end') {
        ended = true;
        return;
      }
      yield { ...answer, body: frame.body };
    }
    if (!ended) throw new SyncRequestError(`the sync channel closed before the end of ${request.op}`);
  } finally {
    channel.destroy();
  }
}
