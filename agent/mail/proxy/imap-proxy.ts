/**
 * The director's IMAP proxy: greets clients, checks their login against the directory, finds the
 * store serving their mailbox, replays the login there and relays bytes until either side closes.
 * See docs/proxy.md. Listeners, holds, sessions and kick come from MailProxyServer.
 */
import { ImapProxySession } from './imap-proxy-session.js';
import { type MailProxyOptions, MailProxyServer } from './proxy-server.js';

/** IMAP proxy: `start()`, `port`/`tlsPort`, `hold`/`release`, `sessions()`, `kick(user)`, `stop()`. */
export class ImapProxy extends MailProxyServer {
  constructor(options: MailProxyOptions) {
    super(
      options,
      (socket, secure, context) => new ImapProxySession(socket, secure, context),
      '* BYE [UNAVAILABLE] Too many connections from your address: try again later\r\n',
    );
  }
}
