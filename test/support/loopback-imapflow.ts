/**
 * An imapflow client (a client no one here wrote) for an IMAP port on 127.0.0.1: plain connection
 * (STARTTLS when offered), password login, no logging. Extra options (TLS checks, for instance) are
 * passed through.
 */
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/** A client for `port` on 127.0.0.1 logging in as `user`; call `connect()` on it. */
export function loopbackImapFlow(
  port: number,
  user: string,
  password: string,
  options: Partial<ImapFlowOptions> = {},
): ImapFlow {
  return new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user, pass: password },
    logger: false,
    ...options,
  });
}
