/**
 * The shape of a mail login (IMAP LOGIN/AUTHENTICATE, POP3 USER/PASS/AUTH) as the protocol servers
 * see it. Protocol servers get an `AuthenticateMailLogin` function injected; `MailAuthenticator`
 * (mail-authenticator.ts) is the directory-backed implementation. Kept in its own file so the IMAP
 * and POP3 servers depend on this shape only.
 */

/** Why a login was refused. Protocol servers map these to their replies (RFC 5530 / RFC 3206 codes). */
export type MailLoginFailureReason =
  /** Unknown user or wrong password (deliberately not told apart to the client). */
  | 'invalid-credentials'
  /** Too many failed attempts for this user or from this address: try again after `retryAfterMs`. */
  | 'throttled'
  /** The mailbox is disabled in the directory (`mailfleetMailboxState: disabled`). */
  | 'disabled'
  /** The mailbox is being moved (cutover in progress): a temporary refusal. */
  | 'moving'
  /** The user's `mailHost` is a logical store this node does not serve (the director routes them). */
  | 'wrong-store'
  /** The directory could not be asked (down, timeout): a temporary failure. */
  | 'unavailable';

/** A successful login. */
export interface MailLoginSuccess {
  ok: true;
  /** The user's primary address (`mail`), lower case: the mailbox name in MailStorage. */
  user: string;
  /** The user's quota: `mailfleetQuota`, else the domain default; 0 = unlimited. */
  quotaBytes: number;
  /** The logical store (`mailHost`) holding this mailbox. */
  mailHost: string;
}

/** A refused login. */
export interface MailLoginFailure {
  ok: false;
  reason: MailLoginFailureReason;
  /** Words for logs and the client's error line; never contains the password. */
  message: string;
  /** For `throttled` (and `unavailable`): how long until another attempt may succeed. */
  retryAfterMs?: number;
}

/** Outcome of one login attempt. */
export type MailLoginResult = MailLoginSuccess | MailLoginFailure;

/**
 * Checks one mail login. `login` is what the client sent as the user name (primary address or any
 * `mailLocalAddress`), `clientAddress` the remote IP (throttling key). Never rejects: failures of the
 * directory come back as `{ ok: false, reason: 'unavailable' }`.
 */
export type AuthenticateMailLogin = (
  login: string,
  password: string,
  clientAddress: string,
) => Promise<MailLoginResult>;

/** A recipient as LMTP delivery needs it: whose mailbox, and its quota (0 = unlimited). */
export interface MailRecipient {
  user: string;
  quotaBytes: number;
  /** The logical store (`mailHost`) holding the mailbox; the fence checks it before each 250. */
  store?: string;
  /** The user files mail the gateway flagged as spam into Junk (self-service spam handling). */
  spamToJunk?: boolean;
}

/**
 * Whether this node may serve a logical store now (the failover fence, agent/failover/
 * store-ownership.ts). Never rejects.
 */
export type MayServeStore = (store: string) => Promise<boolean>;

/**
 * Finds the local mailbox for an LMTP recipient address, or undefined when the address is not a
 * user of a logical store this node serves (550 5.1.1). Rejects when the directory cannot be asked
 * (the LMTP server answers 451 4.4.3 then).
 */
export type MailRecipientLookup = (address: string) => Promise<MailRecipient | undefined>;
