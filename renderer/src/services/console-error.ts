/** A console call that failed, as the renderer sees it: a category for the words, and the detail. */
import type { ConsoleErrorCode, ConsoleReply } from '../../../main/console/console-contract';

/** Raised by the services when main refuses or fails a call. */
export class ConsoleError extends Error {
  override readonly name = 'ConsoleError';
  constructor(
    readonly code: ConsoleErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The page has no link to the console at the moment (it is reconnecting): no node was asked, so
 * the views say that in their own words rather than "a node does not answer".
 */
export class ConsoleLinkLost extends ConsoleError {
  constructor() {
    super('unavailable', 'the console is not connected');
  }
}

/** The result of a reply envelope, or its error thrown as a ConsoleError. */
export function unwrapReply(reply: ConsoleReply): unknown {
  if (reply.ok) return reply.result;
  throw new ConsoleError(reply.error.code, reply.error.message);
}
