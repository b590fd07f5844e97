/**
 * Opens a control-plane connection to an agent: SSH with public-key auth (or an admin's directory
 * password, docs/delegation.md), the node's host key
 * checked against the keys pinned from its server entry, then the `mailfleet-rpc` subsystem.
 * Used by the console core and by peer agents.
 */
import { EventEmitter } from 'node:events';
import ssh2 from 'ssh2';
import { rpcSubsystem } from '../contract/json-rpc.js';
import { RpcClient, type RpcClientOptions } from './rpc-client.js';
import { HostKeyMismatchError } from './rpc-errors.js';
import { parseSshPublicKey, type SshPublicKey, sameSshKey, sshFingerprint } from './ssh-public-key.js';

/** Where and as whom to connect. */
export interface ConnectRpcOptions {
  host: string;
  port: number;
  /** Admin uid or node name; the agent identifies the caller by key, this is for its logs. */
  username: string;
  /** OpenSSH private key (PEM text). One of `privateKey` and `password` is required. */
  privateKey?: string | Buffer;
  /** An admin's directory password, for an admin without a key (the agent checks it by an LDAP bind). */
  password?: string;
  /** The node's host keys as published in its server entry (OpenSSH one-line). Nothing else is accepted. */
  pinnedHostKeys: string[];
  /** Local address to connect from (a console on a machine with several). */
  localAddress?: string;
  keepaliveIntervalMs?: number;
  readyTimeoutMs?: number;
  rpc?: RpcClientOptions;
}

/** An open control-plane connection. Emits `close` once, when the SSH connection ends. */
export class RpcConnection extends EventEmitter<{ close: [] }> {
  constructor(
    readonly client: RpcClient,
    private readonly ssh: ssh2.Client,
    /** SHA256 fingerprint of the host key the node presented (and that matched a pinned key). */
    readonly hostKeyFingerprint: string,
  ) {
    super();
  }

  /**
   * Opens another subsystem on the same SSH connection: the bulk channel of mailbox moves
   * (`mailfleet-sync`), which the agent opens only for peers.
   */
  openSubsystem(name: string): Promise<ssh2.ClientChannel> {
    return new Promise((resolve, reject) =>
      this.ssh.subsys(name, (error, channel) => (error ? reject(error) : resolve(channel))),
    );
  }

  /** Ends the channel and the SSH connection. */
  close(): void {
    this.client.close();
    this.ssh.end();
  }
}

/**
 * Connects and opens the RPC subsystem. Rejects with HostKeyMismatchError when the node's host key
 * is not pinned (before authenticating, so no signature is offered to an impostor).
 */
export function connectRpc(options: ConnectRpcOptions): Promise<RpcConnection> {
  if (options.privateKey === undefined && options.password === undefined)
    return Promise.reject(new Error('connectRpc needs a private key or a password'));
  const pinned = options.pinnedHostKeys
    .map((line) => parseSshPublicKey(line))
    .filter((key): key is SshPublicKey => key !== undefined);
  const ssh = new ssh2.Client();
  let mismatch: HostKeyMismatchError | undefined;
  let offeredFingerprint = '';

  return new Promise<RpcConnection>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      ssh.end();
      reject(mismatch ?? error);
    };
    ssh.on('error', fail);
    ssh.on('close', () =>
      fail(new Error(`connection to ${options.host}:${options.port} closed during set-up`)),
    );
    ssh.on('ready', () => {
      ssh.subsys(rpcSubsystem, (error, channel) => {
        if (error) return fail(new Error(`agent refused the ${rpcSubsystem} subsystem: ${error.message}`));
        if (settled) return;
        settled = true;
        const connection = new RpcConnection(new RpcClient(channel, options.rpc), ssh, offeredFingerprint);
        ssh.once('close', () => {
          connection.client.close();
          connection.emit('close');
        });
        resolve(connection);
      });
    });
    ssh.connect({
      host: options.host,
      port: options.port,
      username: options.username,
      // Only the one credential given: ssh2 would otherwise try a key, then the password.
      ...(options.privateKey === undefined ? {} : { privateKey: options.privateKey }),
      ...(options.password === undefined ? {} : { password: options.password }),
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      keepaliveInterval: options.keepaliveIntervalMs ?? 15_000,
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      hostVerifier: (blob: Buffer) => {
        const offered = parseSshPublicKey(blob);
        offeredFingerprint = sshFingerprint(blob);
        if (offered && pinned.some((key) => sameSshKey(key, offered))) return true;
        mismatch = new HostKeyMismatchError(
          options.host,
          options.port,
          offeredFingerprint,
          pinned.map((key) => sshFingerprint(key)),
        );
        return false;
      },
    });
  });
}
