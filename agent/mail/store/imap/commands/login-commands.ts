/**
 * LOGIN and AUTHENTICATE PLAIN (RFC 4616, with SASL-IR RFC 4959). The injected authenticate
 * function throttles per user and per client address; here a connection is also slowed after each
 * failure and closed after a few.
 */
import type { MailLoginFailure } from '../../mail-login.js';
import { astringText, atomText, expectArgs } from '../command-args.js';
import type { CommandHandler, CommandOutcome } from '../command-table.js';
import { bad, no } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function refuse(session: ImapSession, failure: MailLoginFailure): Promise<never> {
  const { counters, limits } = session.context;
  counters.failedLogins++;
  if (failure.reason === 'unavailable')
    throw no('Login service temporarily unavailable, try again later', 'UNAVAILABLE');
  session.failedLogins++;
  await delay(limits.failedLoginDelayMs);
  if (session.failedLogins >= limits.maxFailedLogins)
    session.closeAfterReply = 'Too many failed logins on this connection';
  switch (failure.reason) {
    case 'throttled': {
      const seconds = Math.ceil((failure.retryAfterMs ?? 60_000) / 1000);
      throw no(`Too many failed logins; try again in ${seconds} s`, 'UNAVAILABLE');
    }
    case 'moving':
      throw no('This mailbox is being moved; try again in a few minutes', 'UNAVAILABLE');
    case 'wrong-store':
      throw no('This mailbox is not served by this server', 'UNAVAILABLE');
    default:
      throw no('Authentication failed', 'AUTHENTICATIONFAILED');
  }
}

/** Checks credentials and opens the mailbox; throws NO on failure. */
async function login(session: ImapSession, user: string, password: string): Promise<CommandOutcome> {
  if (!session.loginAllowed())
    throw no('Plaintext login is disabled here: use STARTTLS first', 'PRIVACYREQUIRED');
  const { authenticate, storage, counters, log } = session.context;
  const result = await authenticate(user, password, session.clientAddress);
  if (!result.ok) return refuse(session, result);
  const mailbox = await storage.mailbox(result.user, result.quotaBytes);
  counters.logins++;
  session.enterAuthenticated(result.user, mailbox);
  await storage.recordLogin(result.user, session.context.now()).catch((error: unknown) => {
    // The last-login date is informational; a failure to record it must not refuse the login.
    log.warn('could not record last login', { user: result.user, error: String(error) });
  });
  return { code: `CAPABILITY ${session.capabilities().join(' ')}`, text: 'Logged in' };
}

/** LOGIN user password. */
export const loginCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 2);
  return login(session, astringText(command.args[0], 'User name'), astringText(command.args[1], 'Password'));
};

/** Strict base64 (RFC 4648 alphabet, padded), as SASL requires; '=' alone is an empty response (RFC 4959). */
function decodeBase64(text: string): Buffer {
  if (text === '=') return Buffer.alloc(0);
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw bad('Invalid base64 in authentication response');
  return Buffer.from(text, 'base64');
}

/** AUTHENTICATE PLAIN [initial-response]; any other mechanism is refused with NO. */
export const authenticateCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1, 2);
  const mechanism = atomText(command.args[0], 'Mechanism').toUpperCase();
  if (mechanism !== 'PLAIN')
    throw no(`Unsupported authentication mechanism ${mechanism.slice(0, 30)}`, 'CANNOT');
  if (!session.loginAllowed())
    throw no('Plaintext login is disabled here: use STARTTLS first', 'PRIVACYREQUIRED');
  let response: string;
  if (command.args.length === 2) {
    response = atomText(command.args[1], 'Initial response');
  } else {
    session.out.line('+ ');
    session.out.flush();
    const line = await session.readLine();
    if (line === null) throw bad('Connection closed during authentication');
    response = line.toString('latin1');
  }
  if (response === '*') throw bad('Authentication cancelled');
  const decoded = decodeBase64(response);
  const parts = decoded.toString('utf8').split('\u0000');
  if (parts.length !== 3) throw bad('Malformed PLAIN response (expected authzid NUL authcid NUL password)');
  const [authzid, authcid, password] = parts as [string, string, string];
  if (authcid === '') throw bad('Malformed PLAIN response: empty user name');
  // No proxy authorisation: the identity acted as must be the one authenticated.
  if (authzid !== '' && authzid !== authcid)
    throw no('Authorization identity must be empty or the user name', 'AUTHORIZATIONFAILED');
  return login(session, authcid, password);
};
