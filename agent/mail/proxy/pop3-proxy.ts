/**
 * The director's POP3 proxy: the same as the IMAP proxy for POP3 (USER/PASS, AUTH PLAIN, STLS), with
 * `-ERR [IN-USE]` while a user is held. See docs/proxy.md. Listeners, holds, sessions and kick come
 * from MailProxyServer.
 */
import { Pop3ProxySession } from './pop3-proxy-session.js';
import { type MailProxyOptions, MailProxyServer } from './proxy-server.js';

/** POP3 proxy: `start()`, `port`/`tlsPort`, `hold`/`release`, `sessions()`, `kick(user)`, `stop()`. */
export class Pop3Proxy extends MailProxyServer {
  constructor(options: MailProxyOptions) {
    super(
      options,
      (socket, secure, context) => new Pop3ProxySession(socket, secure, context),
      '-ERR [SYS/TEMP] too many connections from your address: try again later\r\n',
    );
  }
}
