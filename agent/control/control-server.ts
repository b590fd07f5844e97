/**
 * The agent's SSH control server. Public-key authentication: the key must belong to an admin
 * or a server entry in the directory (CallerKeyCache) and its signature must verify. When the agent
 * is given a password check, an admin without a key may also sign in with the SSH `password`
 * method (ssh-password-sign-in.ts over admin-password-check.ts, docs/delegation.md): an LDAP bind
 * at login and again at every call. The only thing an authenticated caller can open is the
 * `mailfleet-rpc` subsystem, and a peer (another node's agent) also the bulk channels of mailbox
 * moves and replication (`peerSubsystems`); shells, exec, port forwarding and SFTP are refused.
 *
 * Connections are admitted as OpenSSH admits them (login-gate.ts: few unauthenticated connections
 * per address, early random drop past a threshold, a short login grace time), counted from the TCP
 * accept, so a flood of half-open connections from one address cannot lock consoles out. After
 * login, the caller is checked against the directory again at every call and whenever the keys are
 * re-read: a removed key closes the session, a changed tier applies to the next call.
 */
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import { rpcSubsystem } from '../common/contract/json-rpc.js';
import type { JsonLogger } from '../common/json-logger.js';
import { parseSshPublicKey, type SshPublicKey } from '../common/rpc/ssh-public-key.js';
import type { AdminPasswordCheck } from './admin-password-check.js';
import type { Caller, CallerKeyCache } from './caller-key-cache.js';
import { controlLoginLimits, LoginGate, type LoginGateLimits, type LoginTicket } from './login-gate.js';
import { RpcChannelSession, type SessionCaller } from './rpc-channel-session.js';
import type { RpcDispatcher } from './rpc-dispatcher.js';
import { type ControlAuthMethod, SshPasswordSignIn } from './ssh-password-sign-in.js';

/** Where and how the control server listens. */
export interface ControlServerOptions {
  host: string;
  /** 0 picks a free port on first start; restarts keep the port first bound. */
  port: number;
  /** The node's private host key (OpenSSH PEM). */
  hostKey: string | Buffer;
  keys: CallerKeyCache;
  /** Admins' password sign-in (docs/delegation.md); without it only keys are accepted. */
  passwords?: AdminPasswordCheck;
  dispatcher: RpcDispatcher;
  logger: JsonLogger;
  /** How old the keys may be when a call of an open session is checked. Default 5 s. */
  callerMaxAgeMs?: number;
  /** Time to authenticate from the TCP accept. Default 10 s. */
  loginGraceMs?: number;
  /** Admission limits. Default {@link controlLoginLimits}. */
  limits?: LoginGateLimits;
  /**
   * A bulk-data subsystem besides `mailfleet-rpc`, opened only by peers (other nodes' agents):
   * the mailbox moves' `mailfleet-sync`. Its server checks what each request may touch.
   */
  peerSubsystems?: ReadonlyArray<{ name: string; serve: (stream: Duplex, peer: string) => void }>;
}

// Authentication attempts per connection before it is dropped (OpenSSH's MaxAuthTries default is 6).
const maxAuthAttempts = 6;
// A console authenticates in well under a second; OpenSSH's 120 s default would let half-open
// connections sit for minutes.
const defaultLoginGraceMs = 10_000;
// Short enough that a removed key or lowered tier counts within seconds on an open session, long
// enough that a busy console costs the directory at most one read of the keys per interval.
const defaultCallerMaxAgeMs = 5_000;
// RPC channels per connection: a console needs one.
const maxChannelsPerConnection = 8;
// A peer (another node's agent) also opens a bulk channel per request of each mailbox move it runs
// from this node: batches of up to 16 moves at once, several batches, on its one connection.
const maxChannelsPerPeerConnection = 64;
// Refusals during a flood are logged once per interval with a count, not once each.
const refusalLogIntervalMs = 10_000;

/** One SSH connection and who it authenticated as. */
interface ControlConnection {
  readonly ip: string;
  readonly connection: ssh2.Connection;
  key?: SshPublicKey;
  /** A password sign-in's password, kept for the check at every call; never logged. */
  password?: string;
  username?: string;
  caller?: Caller;
  /** Its key is gone from the directory: closing. */
  revoked: boolean;
}

/** SSH server for the control plane. */
export class ControlServer {
  private listener: Server | undefined;
  private boundPort: number | undefined;
  private gate: LoginGate | undefined;
  /** Sockets admitted by the gate, by `ip|port`, until they close. */
  private readonly admitted = new Map<
    string,
    { socket: Socket; ticket: LoginTicket; grace: NodeJS.Timeout }
  >();
  private readonly connections = new Set<ControlConnection>();
  private readonly sessions = new Set<RpcChannelSession>();
  private nextChannel = 1;
  private stopSweep: (() => void) | undefined;
  private refusedTotal = 0;
  private refusalsUnlogged = 0;
  private lastRefusalLogAt = Number.NEGATIVE_INFINITY;
  private channelFailures = 0;
  /** The SSH `password` method, when the agent is given a password check. */
  private readonly passwordSignIn: SshPasswordSignIn | undefined;

  constructor(private readonly options: ControlServerOptions) {
    this.passwordSignIn = options.passwords && new SshPasswordSignIn(options.passwords, options.logger);
  }

  /** The port listened on (after the first start). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error('control server has not started');
    return this.boundPort;
  }

  /** Number of open RPC channels. */
  get channelCount(): number {
    return this.sessions.size;
  }

  /** Connections refused by the admission limits since start (a metric). */
  get refusedConnections(): number {
    return this.refusedTotal;
  }

  /** RPC lines whose handling failed outside the dispatcher's error answers (a metric; 0 unless a bug). */
  get failedLines(): number {
    return this.channelFailures;
  }

  /** Starts listening; resolves with the detail the service registry shows. */
  async listen(): Promise<string> {
    this.gate ??= new LoginGate(this.options.limits ?? controlLoginLimits);
    // Re-read keys apply to idle sessions too: a removed key closes its session without a call.
    this.stopSweep ??= this.options.keys.onRefresh(() => this.sweep());
    const ssh = new ssh2.Server({ hostKeys: [this.options.hostKey] }, (connection, info) =>
      this.accept(connection, info.ip, info.port),
    );
    // Our own TCP listener, so connections are counted and timed from the accept, before ssh2
    // sees a byte (ssh2 reports a connection only once the client has sent its version line).
    const listener = createServer((socket) => this.admit(socket, ssh));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(this.boundPort ?? this.options.port, this.options.host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    listener.on('error', (error: Error) =>
      this.options.logger.error('control server error', { error: error.message }),
    );
    this.listener = listener;
    this.boundPort = (listener.address() as AddressInfo).port;
    return `listening on ${this.options.host}:${this.boundPort}`;
  }

  /** Stops accepting connections; established sessions stay open (see docs/agent.md). */
  async stopListening(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (!listener) return;
    await new Promise<void>((resolve) => {
      listener.close(() => resolve());
      // close() waits for every connection; established sessions are ended separately.
      setImmediate(resolve);
    });
  }

  /** Ends every connection (agent shutdown). */
  disconnectAll(): void {
    this.stopSweep?.();
    this.stopSweep = undefined;
    for (const session of this.sessions) session.close();
    for (const { connection } of this.connections) connection.end();
    this.connections.clear();
    // Connections still in the handshake are not sessions yet: they go too.
    for (const { socket } of this.admitted.values()) socket.destroy();
  }

  /** Lets a new TCP connection in, or drops it at once (OpenSSH's MaxStartups and per-source limits). */
  private admit(socket: Socket, ssh: ssh2.Server): void {
    const ip = socket.remoteAddress ?? '';
    socket.on('error', () => {});
    const ticket = this.gate?.admit(ip) ?? 'too many connections';
    if (typeof ticket === 'string') {
      this.noteRefusal(ip, ticket);
      socket.destroy();
      return;
    }
    const key = `${ip}|${socket.remotePort}`;
    const grace = setTimeout(() => {
      this.options.logger.warn('dropped connection that did not authenticate in time', { ip });
      socket.destroy();
    }, this.options.loginGraceMs ?? defaultLoginGraceMs);
    this.admitted.set(key, { socket, ticket, grace });
    socket.once('close', () => {
      clearTimeout(grace);
      ticket.release();
      this.admitted.delete(key);
    });
    ssh.injectSocket(socket);
  }

  private noteRefusal(ip: string, reason: string): void {
    this.refusedTotal++;
    this.refusalsUnlogged++;
    const now = Date.now();
    if (now - this.lastRefusalLogAt < refusalLogIntervalMs) return;
    this.options.logger.warn('refused connections', { ip, reason, count: this.refusalsUnlogged });
    this.refusalsUnlogged = 0;
    this.lastRefusalLogAt = now;
  }

  private accept(connection: ssh2.Connection, ip: string, port: number): void {
    const logger = this.options.logger;
    const state: ControlConnection = { ip, connection, revoked: false };
    let attempts = 0;
    let channels = 0;
    connection.on('error', (error: Error) =>
      logger.debug('control connection error', { ip, error: error.message }),
    );
    const admitted = this.admitted.get(`${ip}|${port}`);
    if (!admitted) {
      connection.end();
      return;
    }
    this.connections.add(state);
    connection.on('close', () => this.connections.delete(state));
    connection.on('authentication', (context) => {
      attempts += 1;
      if (attempts > maxAuthAttempts) {
        context.reject();
        connection.end();
        return;
      }
      if (context.method === 'password' && this.passwordSignIn) {
        void this.passwordSignIn.login(context, ip, this.methods(), (caller, password) => {
          state.caller = caller;
          state.password = password;
          state.username = context.username;
        });
        return;
      }
      if (context.method !== 'publickey') {
        if (context.method !== 'none')
          logger.warn('refused authentication method', { ip, method: context.method });
        context.reject(this.methods());
        return;
      }
      void this.checkKey(context, ip, (caller, key) => {
        state.caller = caller;
        state.key = key;
        state.username = context.username;
      });
    });
    connection.on('ready', () => {
      admitted.ticket.authenticated();
      clearTimeout(admitted.grace);
      const authenticated = state.caller;
      if (!authenticated) return connection.end();
      logger.info('caller connected', { ip, caller: authenticated.id, kind: authenticated.kind });
      const sessionCaller: SessionCaller = {
        get current() {
          return state.caller ?? authenticated;
        },
        confirm: () => this.confirm(state),
        disconnect: () => connection.end(),
      };
      connection.on('session', (acceptSession, rejectSession) => {
        const limit = authenticated.kind === 'peer' ? maxChannelsPerPeerConnection : maxChannelsPerConnection;
        if (channels >= limit) return rejectSession();
        channels += 1;
        const session = acceptSession();
        session.on('close', () => {
          channels -= 1;
        });
        session.on('subsystem', (acceptSubsystem, rejectSubsystem, info) => {
          const peerSubsystem = this.options.peerSubsystems?.find((p) => p.name === info.name);
          if (peerSubsystem) {
            // Checked again now: a key removed or re-tiered since login opens nothing more.
            if (sessionCaller.current.kind !== 'peer' || state.revoked) return rejectSubsystem();
            peerSubsystem.serve(acceptSubsystem(), sessionCaller.current.id);
            return;
          }
          if (info.name !== rpcSubsystem) return rejectSubsystem();
          const stream = acceptSubsystem();
          const channel = new RpcChannelSession(
            `${authenticated.id}#${this.nextChannel++}`,
            sessionCaller,
            stream,
            this.options.dispatcher,
            logger,
            () => this.channelFailures++,
          );
          this.sessions.add(channel);
          channel.onClose(() => this.sessions.delete(channel));
          channel.serve();
        });
      });
    });
  }

  /** The connection's caller now (keys at most callerMaxAgeMs old), or undefined once its key is gone. */
  private async confirm(state: ControlConnection): Promise<Caller | undefined> {
    if (state.revoked) return undefined;
    // A password caller is checked against the directory at every call, not against cached keys.
    if (state.password !== undefined && state.username !== undefined && this.passwordSignIn) {
      return this.settle(state, await this.passwordSignIn.confirm(state.username, state.password, state.ip));
    }
    if (!state.key) return undefined;
    const maxAge = this.options.callerMaxAgeMs ?? defaultCallerMaxAgeMs;
    return this.settle(state, await this.options.keys.current(state.key, state.username, maxAge));
  }

  /** After the keys were re-read: closes sessions whose key is gone, updates changed tiers. */
  private sweep(): void {
    for (const state of this.connections) {
      if (!state.key || !state.caller || state.revoked) continue;
      if (!this.settle(state, this.options.keys.find(state.key, state.username))) state.connection.end();
    }
  }

  /** Records what the directory says about a connection's caller now; undefined = key gone. */
  private settle(state: ControlConnection, found: Caller | undefined): Caller | undefined {
    const before = state.caller;
    if (!found) {
      if (!state.revoked)
        this.options.logger.warn('closing session: its key or password is no longer valid in the directory', {
          ip: state.ip,
          caller: before?.id,
          kind: before?.kind,
        });
      state.revoked = true;
      return undefined;
    }
    if (before && (before.kind !== found.kind || before.id !== found.id)) {
      this.options.logger.warn('caller changed in the directory', {
        ip: state.ip,
        caller: before.id,
        kind: before.kind,
        nowCaller: found.id,
        nowKind: found.kind,
      });
    }
    state.caller = found;
    return found;
  }

  /** The authentication methods this server offers. */
  private methods(): ControlAuthMethod[] {
    return this.passwordSignIn ? ['publickey', 'password'] : ['publickey'];
  }

  /** Accepts a key query or a signed attempt if the key is known and the signature verifies. */
  private async checkKey(
    context: ssh2.PublicKeyAuthContext,
    ip: string,
    authenticated: (caller: Caller, key: SshPublicKey) => void,
  ): Promise<void> {
    const key = parseSshPublicKey(context.key.data);
    const caller = key ? await this.options.keys.identify(key, context.username) : undefined;
    if (!key || !caller) {
      if (context.signature) this.options.logger.warn('refused unknown key', { ip, user: context.username });
      context.reject(this.methods());
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
      context.reject(this.methods());
      return;
    }
    // Recorded before accept(): ssh2 may emit `ready` from inside accept().
    authenticated(caller, key);
    context.accept();
  }
}
