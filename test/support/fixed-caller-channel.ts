/**
 * An RPC channel whose caller never changes, for tests that drive the dispatcher directly (the SSH
 * server's channels check the caller against the directory at each call).
 */
import type { Caller } from '../../agent/control/caller-key-cache.js';
import type { RpcChannel } from '../../agent/control/method-handler.js';

/** A channel of `caller` that drops notifications. */
export function fixedCallerChannel(caller: Caller, id = 'test#1'): RpcChannel {
  return { id, caller, confirmCaller: async () => caller, notify: () => {}, onClose: () => () => {} };
}
