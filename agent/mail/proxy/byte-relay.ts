/**
 * Relays bytes both ways between a client and its store once the login was replayed, with
 * back-pressure (pipe), and closes both sides when either ends or fails.
 */
import type { Socket } from 'node:net';

/** Pipes `client` and `store` into each other; `onClosed` runs once when the relay is over. */
export function relayBytes(client: Socket, store: Socket, onClosed: () => void): () => void {
  let done = false;
  const close = (): void => {
    if (done) return;
    done = true;
    client.unpipe(store);
    store.unpipe(client);
    // destroy rather than end: a half-open relay would hold the store session open for nothing.
    client.destroy();
    store.destroy();
    onClosed();
  };
  for (const socket of [client, store]) {
    socket.once('close', close);
    socket.once('end', close);
    socket.on('error', close);
  }
  client.pipe(store);
  store.pipe(client);
  client.resume();
  store.resume();
  return close;
}
