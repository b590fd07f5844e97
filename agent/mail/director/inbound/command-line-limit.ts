/**
 * RFC 5321 4.5.3.1.4: a command line is at most 512 octets with its CRLF. smtp-server only knows one
 * limit, and past it closes the connection with 421; we want a clear `500 5.5.2` for an overlong
 * command and the session to go on, while AUTH lines (and the SASL responses that follow) may be
 * longer (RFC 4954 4: 12,288 octets). So smtp-server's own limit is set to the AUTH one and each
 * connection's command handler is wrapped to refuse longer non-AUTH lines itself.
 *
 * The wrap uses smtp-server's per-connection `_onCommand` (smtp-server 3.x). If a later version
 * drops it, `limitCommandLines` reports false and smtp-server's own 421 limit still applies.
 *
 * The same place hides AUTH before TLS: smtp-server advertises AUTH in a plain-text EHLO (and only
 * refuses the command with 538), while a client should never be invited to send a password in clear.
 */
import type { SMTPServer } from 'smtp-server';

/** Longest command line, without CRLF (RFC 5321: 512 with it). */
export const maxCommandLineOctets = 510;
/** Longest AUTH line or SASL response, without CRLF (RFC 4954). */
export const maxAuthLineOctets = 12_288;

/** The reply to an overlong command. */
export const commandTooLongReply = '5.5.2 command line too long (RFC 5321: 512 octets at most)';

interface CommandConnection {
  id: string;
  secure?: boolean;
  _nextHandler?: unknown;
  _onCommand?: (command: Buffer, callback?: () => void) => void;
  _isSupported?: (command: string) => boolean;
  send(code: number, text: string, commandName?: string): void;
}

function findConnection(server: SMTPServer, sessionId: string): CommandConnection | undefined {
  const connections = (server as unknown as { connections?: Set<CommandConnection> }).connections;
  return connections ? [...connections].find((c) => c.id === sessionId) : undefined;
}

/** Makes AUTH unknown (not advertised, refused) on the connection until it runs under TLS; false when it cannot. */
export function hideAuthBeforeTls(server: SMTPServer, sessionId: string): boolean {
  const connection = findConnection(server, sessionId);
  const original = connection?._isSupported;
  if (!connection || typeof original !== 'function') return false;
  connection._isSupported = (command: string) =>
    /^\s*AUTH\s*$/i.test(command) && !connection.secure ? false : original.call(connection, command);
  return true;
}

/** Wraps the command handler of the connection with session id `sessionId`; false when it cannot. */
export function limitCommandLines(server: SMTPServer, sessionId: string): boolean {
  const connection = findConnection(server, sessionId);
  const original = connection?._onCommand;
  if (!connection || typeof original !== 'function') return false;
  connection._onCommand = (command: Buffer, callback?: () => void) => {
    // A SASL response is pending (`_nextHandler`) or this is AUTH: the longer limit applies (the
    // parser already enforces it).
    const auth = connection._nextHandler || /^AUTH(?: |$)/i.test(command.subarray(0, 5).toString('latin1'));
    if (!auth && command.length > maxCommandLineOctets) {
      connection.send(500, commandTooLongReply);
      callback?.();
      return;
    }
    original.call(connection, command, callback);
  };
  return true;
}
