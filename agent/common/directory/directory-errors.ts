/**
 * Errors of the directory client, in words: what was refused and why, with the LDAP result code
 * kept for callers that branch on it.
 */
import { ResultCodeError } from 'ldapts';

/** LDAP result codes the client treats specially. */
export const ldapResultCodes = {
  sizeLimitExceeded: 4,
  noSuchObject: 32,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  objectClassViolation: 65,
  entryAlreadyExists: 68,
} as const;

/** A directory operation that failed. `code` is the LDAP result code when the server answered. */
export class DirectoryError extends Error {
  constructor(
    message: string,
    readonly code?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}

/** The server's diagnostic message of an ldapts error, without ldapts' " Code: 0x.." suffix. */
export function serverMessage(error: ResultCodeError): string {
  return error.message.replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

/** Whether the error means the connection is gone (so a read may be retried on a new one). */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof ResultCodeError || !(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (
    code &&
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTCONN', 'ECONNABORTED'].includes(code)
  ) {
    return true;
  }
  return /connection closed|socket error|connection timeout|operation timed out|socket has been ended|write after end|not connected|connection not established/i.test(
    error.message,
  );
}

/**
 * What a failed operation means for trying it on another directory server:
 * - `answered`: the server answered (a refusal, no such entry, ...); final, on any server;
 * - `not-applied`: the request never reached a server that could act on it (connection refused,
 *   no connection) or the server said it cannot work now (busy 51, unavailable 52): another
 *   server may take it, writes included;
 * - `unknown`: the connection was lost or timed out after the request was sent: a write may have
 *   landed (docs/directory.md, "Several directory servers").
 */
export type FailureKind = 'answered' | 'not-applied' | 'unknown';

/** Sorts an error of an LDAP operation into a {@link FailureKind}. */
export function failureKind(error: unknown): FailureKind {
  if (error instanceof ResultCodeError) {
    return error.code === ldapResultCodes.busy || error.code === ldapResultCodes.unavailable
      ? 'not-applied'
      : 'answered';
  }
  if (!isConnectionError(error)) return 'answered';
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNREFUSED' || /connection not established/i.test((error as Error).message)) {
    return 'not-applied';
  }
  return 'unknown';
}

/**
 * A write whose outcome is not known: the directory stopped answering after the request was sent,
 * so the change may or may not have been made (and, if it was, it reaches the other servers when
 * that one is back). It is not sent again; the caller reads the entry before trying again.
 */
export class DirectoryOutcomeUnknown extends DirectoryError {
  constructor(what: string, url: string, options?: { cause?: unknown }) {
    super(
      `the directory at ${url} stopped answering during ${what}: the change may or may not have been made; read the entry before trying again`,
      undefined,
      options,
    );
    this.name = 'DirectoryOutcomeUnknown';
  }
}

/**
 * Turns any error of an operation into a {@link DirectoryError} in words. `what` names the
 * operation ("modify uid=alice,..."); `notFound` is the message for noSuchObject.
 */
export function toDirectoryError(
  error: unknown,
  what: string,
  url: string,
  notFound?: string,
): DirectoryError {
  if (error instanceof DirectoryError) return error;
  if (error instanceof ResultCodeError) {
    const detail = serverMessage(error);
    const suffix = detail ? `: ${detail}` : '';
    switch (error.code) {
      case ldapResultCodes.noSuchObject:
        return new DirectoryError(notFound ?? `no such entry (${what})`, error.code, { cause: error });
      case ldapResultCodes.insufficientAccessRights: {
        // The embedded directory says why ("... may not give the address a@x ..."); slapd says nothing.
        const why = detail.replace(/^insufficient access:?\s*/i, '');
        return new DirectoryError(
          `the directory refused ${what}: insufficient access${why ? `: ${why}` : ''}`,
          error.code,
          { cause: error },
        );
      }
      case ldapResultCodes.invalidCredentials:
        return new DirectoryError(`the directory refused the credentials (${what})`, error.code, {
          cause: error,
        });
      case ldapResultCodes.entryAlreadyExists:
        return new DirectoryError(`the entry already exists (${what})`, error.code, { cause: error });
      default:
        return new DirectoryError(
          `the directory refused ${what}${suffix || ` (LDAP result ${error.code})`}`,
          error.code,
          {
            cause: error,
          },
        );
    }
  }
  if (isConnectionError(error)) {
    return new DirectoryError(
      `the directory at ${url} is unreachable (${what}): ${(error as Error).message}`,
      undefined,
      {
        cause: error,
      },
    );
  }
  return new DirectoryError(
    `${what} failed: ${error instanceof Error ? error.message : String(error)}`,
    undefined,
    {
      cause: error,
    },
  );
}
