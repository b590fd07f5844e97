/**
 * SASL PLAIN (RFC 4616) as POP3 AUTH (RFC 5034) carries it: base64 of
 * `authzid NUL authcid NUL password`. Strict: anything that is not canonical base64, or not three
 * NUL-separated parts, is refused with a reason in words.
 */

/** The credentials of a PLAIN response, or why it could not be read. */
export type SaslPlainResult = { ok: true; login: string; password: string } | { ok: false; error: string };

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a PLAIN client response (the base64 text of one line). */
export function decodeSaslPlain(response: string): SaslPlainResult {
  const text = response.trim();
  if (text === '' || !base64.test(text)) return { ok: false, error: 'the response is not valid base64' };
  const decoded = Buffer.from(text, 'base64').toString('utf8');
  const parts = decoded.split('\0');
  if (parts.length !== 3) return { ok: false, error: 'a PLAIN response is authzid NUL login NUL password' };
  const [authzid = '', login = '', password = ''] = parts;
  if (login === '' || password === '')
    return { ok: false, error: 'the PLAIN response has no login or no password' };
  // Logging in as someone else (proxy authorization) is the director's business, not a store's.
  if (authzid !== '' && authzid.toLowerCase() !== login.toLowerCase())
    return { ok: false, error: 'authorization as another user is not supported' };
  return { ok: true, login, password };
}
