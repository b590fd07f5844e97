/**
 * The embedded directory (agent role `directory`): an LDAPv3 server on ldapjs for labs and small
 * sites, loaded with the shipped schema, with the same access rules as the slapd configuration,
 * and durable writes (a write is answered only after it is fsynced to the journal).
 */
import { mkdir } from 'node:fs/promises';
import type { Socket } from 'node:net';
import ldap from 'ldapjs';
import type { DirectorySchema } from '../schema/directory-schema.js';
import { loadDirectorySchema } from '../schema/shipped-schema.js';
import { AccessPolicy } from './access-control.js';
import { DirectoryDatabase } from './directory-database.js';
import { type ConnectionState, LdapRequestHandlers } from './ldap-request-handlers.js';
import type { LdapjsServer } from './ldapjs-server-types.js';
import { ReadOperations } from './read-operations.js';
import { WriteOperations } from './write-operations.js';

/** Options of {@link EmbeddedDirectoryServer}. */
export interface EmbeddedDirectoryOptions {
  /** Directory holding the snapshot and journal (created if missing, mode 0700). */
  dataDir: string;
  /** Suffix served, e.g. `dc=mailfleet,dc=lab`. */
  baseDn: string;
  /** Listen address (default 127.0.0.1). */
  host?: string;
  /** TCP port; 0 picks a free one (read it back from `url`). */
  port?: number;
  /** A DN that bypasses access control, like slapd's rootdn (for seeding). Not stored in the tree. */
  rootDn?: string;
  /** The root DN's password, cleartext or hashed ({SSHA512}...). */
  rootPassword?: string;
  /** Where the .schema files are (default: the shipped build/ldap). */
  schemaDir?: string;
  /** Most entries a search without the paged results control returns (default 500, as slapd). */
  sizeLimit?: number;
  /** Journal size that triggers compaction into a new snapshot (default 64 MiB). */
  compactAfterBytes?: number;
}

interface RunningServer {
  ldapServer: LdapjsServer;
  database: DirectoryDatabase;
  connections: Map<Socket, ConnectionState>;
  url: string;
}

/** The embedded LDAP server. Construct, `start()`, read `url`, `stop()`. Several may run in one process. */
export class EmbeddedDirectoryServer {
  private running: RunningServer | undefined;

  constructor(private readonly options: EmbeddedDirectoryOptions) {}

  /** `ldap://host:port` once started. */
  get url(): string {
    if (!this.running) throw new Error('the embedded directory is not started');
    return this.running.url;
  }

  /** Recovers the data directory, then listens. */
  async start(): Promise<void> {
    if (this.running) throw new Error('the embedded directory is already started');
    const { dataDir, baseDn } = this.options;
    const schema: DirectorySchema = await loadDirectorySchema(this.options.schemaDir);
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const database = new DirectoryDatabase({
      dataDir,
      baseDn,
      schema,
      ...(this.options.compactAfterBytes ? { compactAfterBytes: this.options.compactAfterBytes } : {}),
    });
    await database.open();
    const policy = new AccessPolicy(baseDn, schema, database.entries);
    const root =
      this.options.rootDn && this.options.rootPassword
        ? { dn: this.options.rootDn, password: this.options.rootPassword }
        : undefined;
    const handlers = new LdapRequestHandlers({
      baseDn,
      reads: new ReadOperations(database.entries, schema, policy, root),
      writes: new WriteOperations(database, schema, policy, baseDn),
      entries: database.entries,
      sizeLimit: this.options.sizeLimit ?? 500,
    });
    const connections = new Map<Socket, ConnectionState>();
    const ldapServer = ldap.createServer({
      connectionRouter: (socket: Socket) => {
        // A search answer is several small writes (entries, then done): without this, Nagle's
        // algorithm and the client's delayed ACK hold the last one back ~40 ms.
        socket.setNoDelay(true);
        const state = handlers.newConnectionState();
        connections.set(socket, state);
        socket.on('close', () => connections.delete(socket));
        ldapServer.newConnection(socket);
        handlers.watchBinds(socket, state);
      },
    } as ldap.ServerOptions) as unknown as LdapjsServer;
    // ldapjs emits errors for broken client connections; they concern that client only.
    ldapServer.on('error', () => {});
    ldapServer.on('clientError', () => {});
    handlers.mount(ldapServer, (socket) => connections.get(socket));
    const host = this.options.host ?? '127.0.0.1';
    try {
      await new Promise<void>((resolve, reject) => {
        ldapServer.server.once('error', reject);
        ldapServer.listen(this.options.port ?? 0, host, () => {
          ldapServer.server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      await database.close();
      throw error;
    }
    const address = ldapServer.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    this.running = { ldapServer, database, connections, url: `ldap://${shownHost}:${port}` };
  }

  /** Stops listening, drops connections and closes the journal (pending writes finish first). */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    await new Promise<void>((resolve) => {
      running.ldapServer.server.close(() => resolve());
      for (const socket of running.connections.keys()) socket.destroy();
    });
    await running.database.close();
  }
}
