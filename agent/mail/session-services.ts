/**
 * The embedded driver's session protocols as SessionService factories: the IMAP server and the
 * POP3 server, each built anew at every service start with the options of that start.
 */
import { ImapServer } from './imap/imap-server.js';
import { Pop3Server } from './pop3/pop3-server.js';
import type { SessionServiceFactory } from './session-service.js';

/** Builds the store's IMAP server. */
export const imapSessionService: SessionServiceFactory = (options) =>
  new ImapServer({
    host: options.host,
    port: options.port,
    ...(options.tlsPort === undefined ? {} : { tlsPort: options.tlsPort }),
    ...(options.tls ? { tls: { key: options.tls.key, cert: options.tls.cert } } : {}),
    storage: options.storage,
    authenticate: options.authenticate,
    allowPlaintextAuth: options.allowPlaintextAuth,
    maxMessageBytes: options.maxMessageBytes,
    hostname: options.hostname,
    clock: options.clock,
    log: {
      info: (message, fields) => options.log('info', message, fields),
      warn: (message, fields) => options.log('warn', message, fields),
      error: (message, fields) => options.log('error', message, fields),
    },
  });

/** Builds the store's POP3 server. */
export const pop3SessionService: SessionServiceFactory = (options) =>
  new Pop3Server({
    host: options.host,
    port: options.port,
    ...(options.tlsPort === undefined ? {} : { tlsPort: options.tlsPort }),
    ...(options.tls ? { tls: options.tls } : {}),
    storage: options.storage,
    authenticate: options.authenticate,
    clock: options.clock,
    allowPlaintextAuth: options.allowPlaintextAuth,
    hostname: options.hostname,
    onEvent: (event) => {
      // Logins are logged by the authenticator; here only what went wrong inside a session.
      if (event.kind === 'error')
        options.log('warn', 'POP3 session error', { ip: event.clientAddress, error: event.error });
    },
  });
