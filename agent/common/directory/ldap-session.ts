/**
 * One LDAP connection, reused for every operation of a directory client and bound as the
 * client's identity. When the connection is lost it is re-opened and re-bound on the next
 * operation; a read that failed because the connection dropped is retried once on a new one
 * (a write is not: the server may have applied it).
 */
import { BerWriter, Client, ResultCodeError } from 'ldapts';
import { DirectoryError, isConnectionError, ldapResultCodes, toDirectoryError } from './directory-errors.js';

/** Where and as whom to bind. The password is fetched when the first connection is made. */
export interface LdapSessionOptions {
  url: string;
  bindDn: string;
  password: () => Promise<string>;
  /** Milliseconds before an operation times out (default 30 s). */
  timeoutMs?: number;
  /** Milliseconds before a TCP connect times out (default 5 s). */
  connectTimeoutMs?: number;
}

/** The Password Modify extended operation (RFC 3062). */
export const passwordModifyOid = '1.3.6.1.4.1.4203.1.11.1';

/** A reused, re-binding LDAP connection. */
export class LdapSession {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private closed = false;

  constructor(private readonly options: LdapSessionOptions) {}

  get url(): string {
    return this.options.url;
  }

  /** Runs a read; retried once on a fresh connection if the connection was lost. */
  async read<T>(what: string, run: (client: Client) => Promise<T>, notFound?: string): Promise<T> {
    try {
      return await run(await this.connected(what));
    } catch (error) {
      if (!isConnectionError(error)) throw toDirectoryError(error, what, this.url, notFound);
      this.drop();
      try {
        return await run(await this.connected(what));
      } catch (retryError) {
        if (isConnectionError(retryError)) this.drop();
        throw toDirectoryError(retryError, what, this.url, notFound);
      }
    }
  }

  /** Runs a write (never retried). */
  async write<T>(what: string, run: (client: Client) => Promise<T>, notFound?: string): Promise<T> {
    try {
      return await run(await this.connected(what));
    } catch (error) {
      if (isConnectionError(error)) this.drop();
      throw toDirectoryError(error, what, this.url, notFound);
    }
  }

  /** Sets an entry's password with Password Modify, so the server hashes it. */
  async changePassword(dn: string, newPassword: string, notFound?: string): Promise<void> {
    const value = new BerWriter();
    value.startSequence();
    value.writeString(dn, 0x80);
    value.writeString(newPassword, 0x82);
    value.endSequence();
    const request = value.buffer;
    await this.write(
      `the password change of ${dn}`,
      (client) => client.exop(passwordModifyOid, request),
      notFound,
    );
  }

  /** Unbinds and closes the connection; later operations fail. */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = undefined;
    await client?.unbind().catch(() => {});
  }

  private async connected(what: string): Promise<Client> {
    if (this.closed) throw new DirectoryError(`the directory client is closed (${what})`);
    if (this.client?.isConnected) return this.client;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    this.drop();
    const client = new Client({
      url: this.options.url,
      timeout: this.options.timeoutMs ?? 30_000,
      connectTimeout: this.options.connectTimeoutMs ?? 5_000,
    });
    try {
      await client.bind(this.options.bindDn, await this.options.password());
    } catch (error) {
      await client.unbind().catch(() => {});
      if (error instanceof ResultCodeError && error.code === ldapResultCodes.invalidCredentials) {
        throw new DirectoryError(
          `the directory refused the credentials of ${this.options.bindDn}`,
          error.code,
        );
      }
      throw error;
    }
    this.client = client;
    return client;
  }

  /** Forgets a connection that is gone; the next operation opens a new one. */
  private drop(): void {
    const client = this.client;
    this.client = undefined;
    // The socket is usually dead already; unbind only tears down what is left.
    client?.unbind().catch(() => {});
  }
}
