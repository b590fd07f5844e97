/**
 * The agent's SSH control server. Public-key authentication only: the key must belong to an admin
 * or a server entry in the directory (CallerKeyCache) and its signature must verify. The only thing
 * an authenticated caller can open is the `mailfleet-rpc` subsystem; shells, exec, port forwarding
 * and SFTP are refused.
 */
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { rpcSubsystem } from '../contract/json-rpc.js';
import type { JsonLogger } from '../daemon/json-logger.js';
import type { Caller, CallerKeyCache } from './caller-key-cache.js';
import { RpcChannelSession } from './rpc-channel-session.js';
import type { RpcDispatcher } from './rpc-dispatcher.js';
import { parseSshPublicKey } from './ssh-public-key.js';

/** Where and how the control server listens. */
export interface ControlServerOptions {
  host: string;
  /** 0 picks a free port on first start; restarts keep the port first bound. */
  port: number;
  /** The node's private host key (OpenSSH PEM). */
  hostKey: string | Buffer;
  keys: CallerKeyCache;
  dispatcher: RpcDispatcher;
  logger: JsonLogger;
}

// Authentication attempts per connection before it is dropped (OpenSSH's MaxAuthTries default is 6).
const maxAuthAttempts = 6;
// A connection must authenticate within this time (OpenSSH's LoginGraceTime), so half-open
// handshakes cannot hold sockets.
const loginGraceMs = 30_000;
// Open connections at once; a fleet has a few consoles and peers, so this only stops floods.
const maxConnections = 256;
// RPC channels per connection: a console needs one.
const maxChannelsPerConnection = 8;

/** SSH server for the control plane. */
export class ControlServer {
  private server: ssh2.Server | undefined;
  private boundPort: number | undefined;
  private readonly connections = new Set<ssh2.Connection>();
  private readonly sessions = new Set<RpcChannelSession>();
  private nextChannel = 1;

  constructor(private readonly options: ControlServerOptions) {}

  /** The port listened on (after the first start). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('control server has not started');
    return this.boundPort;
  }

  /** Number of open RPC channels. */
  get channelCount(): number {
    return this.sessions.size;
  }

  /** Starts listening; resolves with the detail the service registry shows. */
  async listen(): Promise<string> {
    const server = new ssh2.Server({ hostKeys: [this.options.hostKey] }, (connection, info) =>
      this.accept(connection, info.ip),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort ?? this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error: Error) =>
      this.options.logger.error('control server error', { error: error.message }),
    );
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    return `listening on ${this.options.host}:${this.boundPort}`;
  }

  /** Stops accepting connections; established sessions stay open (see docs/agent.md). */
  async stopListening(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // close() waits for every connection; established sessions are ended separately.
      setImmediate(resolve);
    });
  }

  /** Ends every connection (agent shutdown). */
  disconnectAll(): void {
    for (const session of this.sessions) session.close();
    for (const connection of this.connections) connection.end();
    this.connections.clear();
  }

  private accept(connection: ssh2.Connection, ip: string): void {
    const logger = this.options.logger;
    let caller: Caller | undefined;
    let attempts = 0;
    let channels = 0;
    connection.on('error', (error: Error) =>
      logger.debug('control connection error', { ip, error: error.message }),
    );
    if (this.connections.size >= maxConnections) {
      logger.warn('refused connection: too many open', { ip, open: this.connections.size });
      connection.end();
      return;
    }
    this.connections.add(connection);
    const grace = setTimeout(() => {
      logger.warn('dropped connection that did not authenticate in time', { ip });
      connection.end();
    }, loginGraceMs);
    connection.on('close', () => {
      clearTimeout(grace);
      this.connections.delete(connection);
    });
    connection.on('authentication', (context) => {
      attempts += 1;
      if (attempts > maxAuthAttempts) {
        context.reject();
        connection.end();
        return;
      }
      if (context.method !== 'publickey') {
        if (context.method !== 'none')
          logger.warn('refused non-key authentication', { ip, method: context.method });
        context.reject(['publickey']);
        return;
      }
      void this.checkKey(context, ip, (found) => {
        caller = found;
      });
    });
    connection.on('ready', () => {
      clearTimeout(grace);
      if (!caller) return connection.end();
      const authenticated = caller;
      logger.info('caller connected', { ip, caller: authenticated.id, kind: authenticated.kind });
      connection.on('session', (acceptSession, rejectSession) => {
        if (channels >= maxChannelsPerConnection) return rejectSession();
        channels += 1;
        const session = acceptSession();
        session.on('close', () => {
          channels -= 1;
        });
        session.on('subsystem', (acceptSubsystem, rejectSubsystem, info) => {
          if (info.name !== rpcSubsystem) return rejectSubsystem();
          const stream = acceptSubsystem();
          const channel = new RpcChannelSession(
            `${authenticated.id}#${this.nextChannel++}`,
            authenticated,
            stream,
            this.options.dispatcher,
            logger,
          );
          this.sessions.add(channel);
          channel.onClose(() => this.sessions.delete(channel));
          channel.serve();
        });
      });
    });
  }

  /** Accepts a key query or a signed attempt if the key is known and the signature verifies. */
  private async checkKey(
    context: ssh2.PublicKeyAuthContext,
    ip: string,
    authenticated: (caller: Caller) => void,
  ): Promise<void> {
    const key = parseSshPublicKey(context.key.data);
    const caller = key ? await this.options.keys.identify(key, context.username) : undefined;
    if (!key || !caller) {
      if (context.signature) this.options.logger.warn('refused unknown key', { ip, user: context.username });
      context.reject(['publickey']);
      return;
    }
    // Without a signature the client only asks whether the key would do; the answer reveals nothing more.
    if (!context.signature || !context.blob) {
      context.accept();
      return;
    }
    const parsed = ssh2.utils.parseKey(context.key.data);
    const verified =
      !(parsed instanceof Error) && parsed.verify(context.blob, context.signature, context.hashAlgo) === true;
    if (!verified) {
      this.options.logger.warn('refused bad key signature', { ip, user: context.username });
      context.reject(['publickey']);
      return;
    }
    // Recorded before accept(): ssh2 may emit `ready` from inside accept().
    authenticated(caller);
    context.accept();
  }
}
