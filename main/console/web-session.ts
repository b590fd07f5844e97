/**
 * Who may use browser mode: the one-time token of the printed URL is exchanged, at its first use,
 * for a session cookie (random, HttpOnly, SameSite=Strict, for this console's port only by its
 * name), and from then on only that cookie opens the page, its files and the WebSocket. So the
 * printed URL, once used, is worth nothing to someone who reads it later (a terminal's scrollback,
 * a shell history, a screen share), and the page's own URL never carries a secret.
 *
 * One exchange per run: a second browser needs a new console (a new token). The cookie has no
 * expiry of its own: it lives until the browser is closed or the console stops.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a token exchange gave. */
export type TokenExchange =
  | { ok: true; setCookie: string }
  /** The token was right but already exchanged. */
  | { ok: false; reason: 'used' }
  | { ok: false; reason: 'wrong' };

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The value of cookie `name` in a request, if any. */
function cookieOf(request: IncomingMessage, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** The one-time token and the session it is exchanged for. */
export class WebSessionGate {
  private session: string | undefined;
  private used = false;

  /** `cookieName` should name the port: cookies of 127.0.0.1 are shared by all its ports. */
  constructor(
    private readonly token: string,
    readonly cookieName: string,
  ) {}

  /** Exchanges `given` for the session cookie, once. */
  exchange(given: string): TokenExchange {
    if (!sameSecret(given, this.token)) return { ok: false, reason: 'wrong' };
    if (this.used) return { ok: false, reason: 'used' };
    this.used = true;
    this.session = randomBytes(32).toString('base64url');
    return {
      ok: true,
      setCookie: `${this.cookieName}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
    };
  }

  /** Whether the request carries the session cookie. */
  hasSession(request: IncomingMessage): boolean {
    const given = cookieOf(request, this.cookieName);
    return this.session !== undefined && given !== undefined && sameSecret(given, this.session);
  }
}
