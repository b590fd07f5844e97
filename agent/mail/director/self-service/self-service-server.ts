/**
 * The self-service page the director serves over HTTPS (docs/self-service.md): a mail user signs
 * in with address and password (through the node's shared login guard, so guessing here slows
 * IMAP, POP3 and SMTP logins for that user too) and sets forwarding, the vacation reply, spam
 * handling, and changes the password. Each change is checked (user-self-service.ts, the password
 * policy, a forwarding loop through the directory) and then written with the user's own bind, so
 * the directory's access rules decide what the user may write; a refusal changes nothing.
 *
 * Cookies are Secure, HttpOnly, SameSite=Strict; every form carries a CSRF token and a POST from
 * another origin is refused; sessions end after idle time. No script on the page; a strict CSP.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../common/clock.js';
import type { FleetDirectory } from '../../../common/directory/fleet-directory.js';
import type { MailUserEntry } from '../../../common/directory/fleet-entries.js';
import { passwordPolicyProblem, passwordPolicyWords } from '../../../common/directory/password-policy.js';
import { selfServiceProblem } from '../../../common/directory/user-self-service.js';
import type { QuotaUse } from '../../../common/quota-use.js';
import type { MailTlsCredentials } from '../../protocol/tls/mail-tls.js';
import type { DirectorLoginResult } from '../director-authenticator.js';
import type { RecipientExpansion } from '../inbound/recipient-expansion.js';
import { readForm, settingsFromForm } from './self-service-form.js';
import { type PageNotice, settingsPage, signInPage } from './self-service-pages.js';
import { quotaAnswerMs, quotaUseWithin } from './self-service-quota.js';
import { csrfMatches, type SelfServiceSession, SelfServiceSessions } from './self-service-sessions.js';
import { type PageLanguage, say } from './self-service-words.js';

/** What a user's own bind may do here. */
export type UserBoundDirectory = Pick<
  FleetDirectory,
  'findUserByAddress' | 'setUserSelfService' | 'setPassword' | 'close'
>;

/** Options of a SelfServiceServer. */
export interface SelfServiceServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  tls: MailTlsCredentials;
  clock: Clock;
  /** The shared, throttled login check (DirectorAuthenticator.authenticate). */
  authenticate(address: string, password: string, clientAddress: string): Promise<DirectorLoginResult>;
  /** The user's entry as the director reads it. */
  findUser(address: string): Promise<MailUserEntry | undefined>;
  /** Expands an address as the router does (for the forwarding loop check). */
  expand(address: string): Promise<RecipientExpansion>;
  /** A directory client bound as the user (closed after each request). */
  bindAs(dn: string, password: string): UserBoundDirectory;
  /**
   * Called after a user's settings are written (primary address): the director drops its cached
   * routing of the user, so the very next message follows the new forwarding and vacation.
   */
  saved?(address: string): void;
  /**
   * The user's quota use at its store, asked with the user's own password (the director's proxy
   * path); absent on a director without a proxy (the page then says the use is not available).
   */
  quotaUse?(user: MailUserEntry, password: string, timeoutMs: number): Promise<QuotaUse>;
  /** How long the page waits for the store's answer (default 3 s). */
  quotaAnswerMs?: number;
  /** Idle time after which a session ends (default 30 minutes). */
  idleMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

const cookieName = 'mf_self_service';

/** The director's self-service HTTPS page. */
export class SelfServiceServer {
  private server: Server | undefined;
  private readonly sessions: SelfServiceSessions;

  constructor(private readonly options: SelfServiceServerOptions) {
    this.sessions = new SelfServiceSessions(options.clock, options.idleMs ?? 30 * 60_000);
  }

  /** The port listened on. */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const { cert, key } = this.options.tls;
    const server = createServer({ cert, key, minVersion: 'TLSv1.2' }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.log('error', 'self-service request failed', {
          error: error instanceof Error ? error.message : String(error),
        });
        if (!response.headersSent) this.send(response, 500, 'text/plain; charset=utf-8', 'internal error');
      });
    });
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'https://self-service');
    const language = pickLanguage(
      url.searchParams.get('lang'),
      request.headers['accept-language'],
      request.headers.cookie,
    );
    if (url.searchParams.has('lang'))
      response.setHeader('Set-Cookie', `mf_lang=${language}; Path=/; Secure; SameSite=Strict`);
    const found = this.sessions.find(readCookie(request.headers.cookie, cookieName));
    if (request.method === 'GET' && url.pathname === '/') {
      const shown = found.expired ? refused(language, 'expired') : undefined;
      return this.render(response, language, found.session ?? this.sessions.create(), shown);
    }
    if (
      request.method !== 'POST' ||
      !['/sign-in', '/settings', '/password', '/sign-out'].includes(url.pathname)
    )
      return this.send(response, 404, 'text/plain; charset=utf-8', 'not found');
    const form = await readForm(request);
    const session = found.session;
    if (!session) {
      // Expired (or never signed in here): nothing is done; a fresh sign-in page says why.
      return this.render(
        response,
        language,
        this.sessions.create(),
        refused(language, found.expired ? 'expired' : 'badForm'),
      );
    }
    if (!form || !csrfMatches(session, form.get('csrf') ?? undefined) || !sameOrigin(request))
      return this.render(response, language, session, refused(language, 'badForm'));
    if (url.pathname === '/sign-in') return this.signIn(request, response, language, session, form);
    const user = session.user;
    if (!user) return this.render(response, language, session, refused(language, 'expired'));
    const signedIn = { ...session, user };
    if (url.pathname === '/sign-out') {
      this.sessions.end(session.id);
      return this.render(response, language, this.sessions.create());
    }
    if (url.pathname === '/password') return this.changePassword(response, language, session, user, form);
    return this.saveSettings(response, language, signedIn, form);
  }

  private async signIn(
    request: IncomingMessage,
    response: ServerResponse,
    language: PageLanguage,
    session: SelfServiceSession,
    form: URLSearchParams,
  ): Promise<void> {
    const address = (form.get('address') ?? '').trim().slice(0, 320);
    const password = form.get('password') ?? '';
    const result = await this.options.authenticate(address, password, request.socket.remoteAddress ?? '');
    if (!result.ok) {
      const key =
        result.reason === 'throttled'
          ? 'throttled'
          : result.reason === 'unavailable'
            ? 'unavailable'
            : 'wrongPassword';
      return this.render(response, language, session, refused(language, key), address);
    }
    const user = await this.options.findUser(result.user);
    if (!user) return this.render(response, language, session, refused(language, 'wrongPassword'), address);
    const signedIn = this.sessions.signIn(session, {
      address: user.mail.toLowerCase(),
      dn: user.dn,
      password,
    });
    this.log('info', 'self-service sign-in', { user: user.mail });
    return this.render(response, language, signedIn);
  }

  private async saveSettings(
    response: ServerResponse,
    language: PageLanguage,
    session: SelfServiceSession & { user: NonNullable<SelfServiceSession['user']> },
    form: URLSearchParams,
  ): Promise<void> {
    const settings = settingsFromForm(form);
    if (typeof settings === 'string')
      return this.render(response, language, session, badSetting(language, settings));
    const problem = selfServiceProblem(session.user.address, settings);
    if (problem) {
      const key = /loop/.test(problem)
        ? 'forwardLoop'
        : /end after/.test(problem)
          ? 'vacationDates'
          : undefined;
      return this.render(
        response,
        language,
        session,
        key ? refused(language, key) : badSetting(language, problem),
      );
    }
    if (await this.forwardingComesBack(session.user.address, settings.forwardTo))
      return this.render(response, language, session, refused(language, 'forwardLoop'));
    const directory = this.options.bindAs(session.user.dn, session.user.password);
    try {
      await directory.setUserSelfService(session.user.address, settings);
    } finally {
      await directory.close();
    }
    this.options.saved?.(session.user.address);
    this.log('info', 'self-service settings saved', { user: session.user.address });
    return this.render(response, language, session, { kind: 'done', text: say(language, 'saved') });
  }

  /** Whether mail forwarded to these targets would come back to the user (through other users' forwarding, aliases, groups). */
  private async forwardingComesBack(address: string, targets: readonly string[]): Promise<boolean> {
    for (const target of targets) {
      const expansion = await this.options.expand(target);
      if (expansion.kind !== 'targets') continue;
      const reached = [
        ...expansion.mailboxes,
        ...(expansion.forwards ?? []).flatMap((copy) => [copy.owner, ...copy.mailboxes]),
      ];
      if (reached.some((a) => a.toLowerCase() === address)) return true;
    }
    return false;
  }

  private async changePassword(
    response: ServerResponse,
    language: PageLanguage,
    session: SelfServiceSession,
    signedIn: NonNullable<SelfServiceSession['user']>,
    form: URLSearchParams,
  ): Promise<void> {
    const current = form.get('current') ?? '';
    const next = form.get('next') ?? '';
    if (current !== signedIn.password)
      return this.render(response, language, session, refused(language, 'currentPasswordWrong'));
    if (next !== (form.get('again') ?? ''))
      return this.render(response, language, session, refused(language, 'passwordsDiffer'));
    const user = await this.options.findUser(signedIn.address);
    const reason =
      next === current
        ? 'is-old'
        : passwordPolicyProblem(next, {
            addresses: [signedIn.address, ...(user?.mailLocalAddress ?? [])],
            uid: user?.uid,
          });
    if (reason)
      return this.render(response, language, session, {
        kind: 'refused',
        text: passwordPolicyWords[reason][language],
      });
    const directory = this.options.bindAs(signedIn.dn, signedIn.password);
    try {
      await directory.setPassword(signedIn.address, next);
    } finally {
      await directory.close();
    }
    signedIn.password = next;
    // Other browsers signed in with the old password are signed out.
    this.sessions.endUser(signedIn.address, session.id);
    this.log('info', 'self-service password changed', { user: signedIn.address });
    return this.render(response, language, session, { kind: 'done', text: say(language, 'passwordChanged') });
  }

  private async render(
    response: ServerResponse,
    language: PageLanguage,
    session: SelfServiceSession,
    shown?: PageNotice,
    address = '',
  ): Promise<void> {
    const signedIn = session.user;
    const user = signedIn ? await this.options.findUser(signedIn.address) : undefined;
    const html =
      user && signedIn
        ? settingsPage(language, session.csrf, user, await this.quotaUseOf(user, signedIn.password), shown)
        : signInPage(language, session.csrf, address, shown);
    const cookie = `${cookieName}=${session.id}; Path=/; Secure; HttpOnly; SameSite=Strict`;
    response.appendHeader('Set-Cookie', cookie);
    this.send(response, shown?.kind === 'refused' ? 400 : 200, 'text/html; charset=utf-8', html);
  }

  /** The signed-in user's own use, read with its own password; undefined when not available now. */
  private quotaUseOf(user: MailUserEntry, password: string): Promise<QuotaUse | undefined> {
    const read = this.options.quotaUse;
    if (!read) return Promise.resolve(undefined);
    const withinMs = this.options.quotaAnswerMs ?? quotaAnswerMs;
    return quotaUseWithin(
      () => read(user, password, withinMs),
      withinMs,
      (why) =>
        this.log('warn', 'the quota use of a self-service user is not available', { user: user.mail, why }),
    );
  }

  private send(response: ServerResponse, status: number, type: string, body: string): void {
    response.writeHead(status, {
      'Content-Type': type,
      'Cache-Control': 'no-store',
      'Content-Security-Policy':
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'X-Content-Type-Options': 'nosniff',
      // same-origin, not no-referrer: under no-referrer a browser sends `Origin: null` with a form POST.
      'Referrer-Policy': 'same-origin',
      'Strict-Transport-Security': 'max-age=31536000',
    });
    response.end(body);
  }

  private log(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(level, message, fields);
  }
}

function refused(language: PageLanguage, key: Parameters<typeof say>[1]): PageNotice {
  return { kind: 'refused', text: say(language, key) };
}

function badSetting(language: PageLanguage, problem: string): PageNotice {
  return { kind: 'refused', text: `${say(language, 'badSetting')} ${problem}` };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function pickLanguage(
  asked: string | null,
  accept: string | undefined,
  cookie: string | undefined,
): PageLanguage {
  if (asked === 'ja' || asked === 'en') return asked;
  const saved = readCookie(cookie, 'mf_lang');
  if (saved === 'ja' || saved === 'en') return saved;
  return /^\s*en\b/i.test(accept ?? '') ? 'en' : 'ja';
}

/** A POST from a page of another origin is refused (with SameSite=Strict and the token, a third guard). */
function sameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return origin === undefined;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
