/**
 * The moment a proxied connection stops being the proxy's: the pre-login timer is cleared, the
 * session's own listeners go, the bytes are relayed, and the session is registered for
 * `sessions()` and `kick(user)`.
 */
import type { Socket } from 'node:net';
import { relayBytes } from './byte-relay.js';
import type { ProxyContext } from './proxy-context.js';

/** Who is being relayed where. */
export interface RelayHandover {
  /** The client's socket (TLS when the client is on TLS). */
  client: Socket;
  /** The TCP socket under the client's TLS layer (or the client socket itself). */
  tcp: Socket;
  store: Socket;
  protocol: 'imap' | 'pop3';
  user: string;
  storeNode: string;
  clientAddress: string;
}

/** Starts relaying and registers the session. */
export function handOverToStore(context: ProxyContext, handover: RelayHandover): void {
  const { client, tcp, store } = handover;
  // The pre-login timer lives on the TCP socket; left there it would close an idle relayed session.
  tcp.setTimeout(0);
  context.loggedIn(tcp);
  client.removeAllListeners('data');
  client.removeAllListeners('error');
  const close = relayBytes(client, store, () => unregister());
  const unregister = context.sessions.add(
    {
      protocol: handover.protocol,
      user: handover.user,
      clientAddress: handover.clientAddress,
      storeNode: handover.storeNode,
      since: context.clock.now(),
    },
    close,
  );
  context.log?.info('proxied login', {
    protocol: handover.protocol,
    user: handover.user,
    node: handover.storeNode,
    ip: handover.clientAddress,
  });
}
