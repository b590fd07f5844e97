/**
 * Upgrades an accepted plain connection to TLS (IMAP STARTTLS, POP3 STLS). The caller must have
 * stopped reading the plain socket and dropped whatever it had buffered: commands pipelined after
 * STARTTLS in plain text must never run inside the TLS session (CVE-2011-0411 class).
 */
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { MailTlsCredentials } from './mail-tls.js';

/** Starts the TLS handshake as the server; resolves once it completed, rejects on failure or timeout. */
export function upgradeToTls(
  socket: Socket,
  credentials: MailTlsCredentials,
  timeoutMs = 30_000,
): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = new TLSSocket(socket, { isServer: true, secureContext: credentials.secureContext });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new Error('TLS handshake timed out'));
    }, timeoutMs);
    secure.once('secure', () => {
      clearTimeout(timer);
      secure.removeListener('error', onError);
      resolve(secure);
    });
    const onError = (error: Error): void => {
      clearTimeout(timer);
      secure.destroy();
      reject(error);
    };
    secure.once('error', onError);
  });
}
