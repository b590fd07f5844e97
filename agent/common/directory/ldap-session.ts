/**
 * One LDAP connection, reused for every operation of a directory client and bound as the
 * client's identity, to one of the directory's servers (several URLs, in order of preference,
 * for OpenLDAP providers in multi-provider replication).
 *
 * - When a server stops answering (connection refused, lost or timed out; busy or unavailable
 *   answers) the operation goes to the next URL. Reads are sent again there. A write is sent
 *   again only when it cannot have landed (nothing reached the server, or the server said it
 *   could not work) or when it is idempotent (sending it twice leaves the same entry: replace
 *   modifications, Password Modify); any other write whose request was sent is reported as
 *   {@link DirectoryOutcomeUnknown} and never sent again (an add or a compare-and-set could
 *   otherwise fail as "already exists" on its own earlier attempt).
 * - It stays on the server that answers. While it is not on the first URL, it tries the more
 *   preferred ones again every `returnAfterMs` (default 60 s) in the background, and moves back
 *   only when such a server binds and holds every change the one in use holds (its contextCSN,
 *   replication-state.ts), so no read goes to a provider still catching up after a restart.
 *   Operations in flight finish on the connection they started on.
 */
import { BerWriter, Client, ResultCodeError } from 'ldapts';
import {
  DirectoryError,
  DirectoryOutcomeUnknown,
  failureKind,
  ldapResultCodes,
  toDirectoryError,
} from './directory-errors.js';
import type { DirectoryLinkStatus, UnansweredUrl } from './directory-urls.js';
import { passwordMatches } from './password-check.js';
import { passwordPolicyReasonIn } from './password-policy.js';
import { hasCaughtUp, readChangeStamps } from './replication-state.js';

/** Where and as whom to bind. The password is fetched when a connection is made. */
export interface LdapSessionOptions {
  /** The servers, in order of preference (at least one). */
  urls: readonly string[];
  /** The tree's suffix, whose contextCSN says how far a server has come. */
  baseDn: string;
  bindDn: string;
  password: () => Promise<string>;
  /** Milliseconds before an operation times out (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds before a TCP connect times out (default 5 s). */
  connectTimeoutMs?: number;
  /** Milliseconds on a less preferred server before the preferred ones are tried again (default 60 s). */
  returnAfterMs?: number;
  /** The clock (ms since the epoch); tests move it. */
  now?: () => number;
  /**
   * Told when the server in use changes, or a server stops answering or is found behind (for the
   * agent's log). Not told of every failed attempt, only of a change of state.
   */
  onLinkChange?: (status: DirectoryLinkStatus) => void;
}

/** The Password Modify extended operation (RFC 3062). */
export const passwordModifyOid = '1.3.6.1.4.1.4203.1.11.1';

/** The request value of a Password Modify setting `dn`'s password to `newPassword`. */
export function passwordModifyRequest(dn: string, newPassword: string): Buffer {
  const value = new BerWriter();
  value.startSequence();
  value.writeString(dn, 0x80); // userIdentity
  value.writeString(newPassword, 0x82); // newPasswd
  value.endSequence();
  return value.buffer;
}

/** How a write may be sent again after its server stopped answering. */
export interface WriteOptions {
  /** Sending it twice leaves the same entry (replace modifications, Password Modify). */
  idempotent?: boolean;
}

/** A reused, re-binding LDAP connection over one or more servers. */
export class LdapSession {
  private client: Client | undefined;
  private clientUrl: string | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;
  private readonly urls: readonly string[];
  private readonly unanswered = new Map<string, Omit<UnansweredUrl, 'url'>>();
  /** Operations running per connection, so a connection replaced by a better one closes when they end. */
  private readonly running = new Map<Client, number>();
  private readonly urlOf = new WeakMap<Client, string>();
  /** When the preferred servers may next be tried (while on a less preferred one). */
  private returnAt = 0;
  private returning: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: LdapSessionOptions) {
    if (options.urls.length === 0) throw new Error('a directory client needs at least one URL');
    this.urls = [...options.urls];
    this.now = options.now ?? Date.now;
  }

  /** The URL in use, else the preferred one (for messages). */
  get url(): string {
    return this.clientUrl ?? (this.urls[0] as string);
  }

  /** Which server is in use and which did not answer. */
  status(): DirectoryLinkStatus {
    return {
      urls: [...this.urls],
      inUse: this.client?.isConnected ? this.clientUrl : undefined,
      unanswered: [...this.unanswered].map(([url, mark]) => ({ url, ...mark })),
    };
  }

  /** Runs a read; sent again, on the next server if need be, when its server stopped answering. */
  read<T>(what: string, run: (client: Client) => Promise<T>, notFound?: string): Promise<T> {
    // A read changes nothing: like an idempotent write, it may always be sent again.
    return this.write(what, run, notFound, { idempotent: true });
  }

  /**
   * Runs a write. Moved to the next server when it cannot have landed, or when it is idempotent;
   * otherwise a lost answer is reported as {@link DirectoryOutcomeUnknown}.
   */
  async write<T>(
    what: string,
    run: (client: Client) => Promise<T>,
    notFound?: string,
    options: WriteOptions = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const client = await this.connected(what);
      try {
        return await this.use(client, run);
      } catch (error) {
        const url = this.forget(client, error);
        const kind = failureKind(error);
        if (kind === 'answered') throw toDirectoryError(error, what, url, notFound);
        if (kind === 'unknown' && !options.idempotent) {
          throw new DirectoryOutcomeUnknown(what, url, { cause: error });
        }
        if (attempt >= this.urls.length) throw toDirectoryError(error, what, url, notFound);
      }
    }
  }

  /** Sets an entry's password with Password Modify, so the server hashes it. */
  async changePassword(dn: string, newPassword: string, notFound?: string): Promise<void> {
    const request = passwordModifyRequest(dn, newPassword);
    let sent = 0;
    try {
      // Setting the same password twice leaves the same entry.
      await this.write(
        `the password change of ${dn}`,
        (client) => {
          sent++;
          return client.exop(passwordModifyOid, request);
        },
        notFound,
        { idempotent: true },
      );
    } catch (error) {
      // Sent again after a lost answer, and now refused as the current password: the first landed.
      const landed =
        sent > 1 &&
        error instanceof DirectoryError &&
        error.code === 19 &&
        passwordPolicyReasonIn(error.message) === 'is-old';
      if (!landed) throw error;
    }
  }

  /**
   * Whether `password` is `dn`'s, by a bind on a short-lived connection of its own: to the server
   * in use first, then the others if it does not answer. A wrong password is final.
   */
  async checkPassword(dn: string, password: string, what: string): Promise<boolean> {
    let lastError: unknown;
    for (const url of this.connectOrder()) {
      try {
        return await passwordMatches(url, dn, password, this.options.timeoutMs ?? 30_000);
      } catch (error) {
        if (failureKind(error) === 'answered') throw toDirectoryError(error, what, url);
        this.markUnanswered(url, error);
        lastError = error;
      }
    }
    throw this.noneAnswers(what, lastError);
  }

  /** Unbinds and closes the connection; later operations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.unbind().catch(() => {});
  }

  private async use<T>(client: Client, run: (client: Client) => Promise<T>): Promise<T> {
    this.running.set(client, (this.running.get(client) ?? 0) + 1);
    try {
      return await run(client);
    } finally {
      const left = (this.running.get(client) ?? 1) - 1;
      if (left > 0) this.running.set(client, left);
      else {
        this.running.delete(client);
        // Replaced by a connection to a preferred server while this operation ran.
        if (client !== this.client) client.unbind().catch(() => {});
      }
    }
  }

  private async connected(what: string): Promise<Client> {
    if (this.closed) throw new DirectoryError(`the directory client is closed (${what})`);
    if (this.client?.isConnected) {
      this.maybeReturn();
      return this.client;
    }
    this.connecting ??= this.connect(what).finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  /** Connects to the first server that answers, in {@link connectOrder}. */
  private async connect(what: string): Promise<Client> {
    if (this.client) this.drop(this.client);
    let lastError: unknown;
    for (const url of this.connectOrder()) {
      try {
        const client = await this.open(url);
        this.client = client;
        const moved = url !== this.clientUrl;
        if (moved && url !== this.urls[0]) this.returnAt = this.now() + this.returnAfterMs;
        this.clientUrl = url;
        if (moved) this.announce();
        return client;
      } catch (error) {
        if (error instanceof DirectoryError || failureKind(error) === 'answered') throw error;
        this.markUnanswered(url, error);
        lastError = error;
      }
    }
    throw this.noneAnswers(what, lastError);
  }

  /**
   * Servers to try: the one in use (a reconnect after an idle close stays where it was), then the
   * others in order of preference, those that just failed last.
   */
  private connectOrder(): string[] {
    const current = this.clientUrl && !this.unanswered.has(this.clientUrl) ? [this.clientUrl] : [];
    const rest = this.urls.filter((url) => !current.includes(url));
    return [
      ...current,
      ...rest.filter((url) => !this.unanswered.has(url)),
      ...rest.filter((url) => this.unanswered.has(url)),
    ];
  }

  /** Opens and binds a connection to one server. */
  private async open(url: string): Promise<Client> {
    const client = new Client({
      url,
      timeout: this.options.timeoutMs ?? 30_000,
      connectTimeout: this.options.connectTimeoutMs ?? 5_000,
    });
    try {
      await client.bind(this.options.bindDn, await this.options.password());
    } catch (error) {
      await client.unbind().catch(() => {});
      if (error instanceof ResultCodeError && error.code === ldapResultCodes.invalidCredentials) {
        throw new DirectoryError(
          `the directory at ${url} refused the credentials of ${this.options.bindDn}`,
          error.code,
        );
      }
      throw error;
    }
    this.unanswered.delete(url);
    this.urlOf.set(client, url);
    return client;
  }

  private get returnAfterMs(): number {
    return this.options.returnAfterMs ?? 60_000;
  }

  /** Starts a try of the preferred servers when it is time (in the background). */
  private maybeReturn(): void {
    const index = this.clientUrl === undefined ? 0 : this.urls.indexOf(this.clientUrl);
    if (index <= 0 || this.returning || this.now() < this.returnAt) return;
    this.returnAt = this.now() + this.returnAfterMs;
    this.returning = this.tryPreferred(this.urls.slice(0, index)).finally(() => {
      this.returning = undefined;
    });
  }

  /** Moves to the first of `preferred` that binds and has caught up with the server in use. */
  private async tryPreferred(preferred: string[]): Promise<void> {
    const current = this.client;
    if (!current) return;
    for (const url of preferred) {
      let candidate: Client | undefined;
      try {
        // The server in use first: the candidate must hold at least what it held at that moment.
        const reference = await this.use(current, (c) => readChangeStamps(c, this.options.baseDn));
        candidate = await this.open(url);
        const stamps = await readChangeStamps(candidate, this.options.baseDn);
        if (!hasCaughtUp(stamps, reference)) {
          const reason = `does not hold every change of ${this.clientUrl} yet`;
          const before = this.unanswered.get(url)?.state;
          this.unanswered.set(url, { state: 'catching-up', since: this.now(), reason });
          if (before !== 'catching-up') this.announce();
          await candidate.unbind().catch(() => {});
          continue;
        }
        if (this.closed || this.client !== current) {
          await candidate.unbind().catch(() => {});
          return;
        }
        this.client = candidate;
        this.clientUrl = url;
        this.unanswered.delete(url);
        this.announce();
        if (!this.running.has(current)) await current.unbind().catch(() => {});
        return;
      } catch (error) {
        await candidate?.unbind().catch(() => {});
        this.markUnanswered(url, error);
      }
    }
  }

  private markUnanswered(url: string, error: unknown): void {
    // A busy/unavailable answer carries the server's own text: keep one short line of it (the
    // reason travels in every metrics sample, whose schema bounds it).
    const text = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    const reason = text.length > 200 ? `${text.slice(0, 199)}…` : text;
    const known = this.unanswered.get(url);
    this.unanswered.set(url, {
      state: 'not-answering',
      since: known?.state === 'not-answering' ? known.since : this.now(),
      reason: reason || 'no answer',
    });
    if (known?.state !== 'not-answering') this.announce();
  }

  private announce(): void {
    try {
      this.options.onLinkChange?.(this.status());
    } catch {
      // A listener's failure must not fail the directory operation that caused the change.
    }
  }

  /**
   * After a failed operation: a connection whose server stopped answering is dropped and its URL
   * marked. Returns the connection's URL.
   */
  private forget(client: Client, error: unknown): string {
    const url = this.urlOf.get(client) ?? this.url;
    if (failureKind(error) !== 'answered') {
      this.markUnanswered(url, error);
      this.drop(client);
    }
    return url;
  }

  private noneAnswers(what: string, lastError: unknown): DirectoryError {
    const tried = [...this.unanswered].map(([url, mark]) => `${url} (${mark.reason})`).join('; ');
    return new DirectoryError(`no directory answers (${what}): ${tried || this.urls.join(', ')}`, undefined, {
      cause: lastError,
    });
  }

  /** Forgets a connection that is gone; the next operation opens a new one. */
  private drop(client: Client): void {
    if (this.client === client) this.client = undefined;
    // The socket is usually dead already; unbind only tears down what is left.
    client.unbind().catch(() => {});
  }
}
