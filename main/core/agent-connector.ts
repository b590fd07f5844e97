/**
 * Connects the console to agents over SSH as one admin: pinned host keys from the node's server
 * entry, the admin's private key or, for an admin without a key, the directory password it signed
 * in with (docs/delegation.md; either kept in this process only), short keepalives so a dead node
 * is noticed within seconds.
 */

import type { ServerEntry } from '../../agent/common/directory/fleet-entries.js';
import { connectRpc } from '../../agent/common/rpc/connect-rpc.js';
import type { AgentConnection, AgentConnector } from './node-link.js';

export type AdminCredentials =
  | {
      uid: string;
      /** OpenSSH private key text. Never logged, never sent to a renderer. */
      privateKey: string;
    }
  | {
      uid: string;
      /** The admin's directory password; the agent checks it by an LDAP bind at every call. Never logged. */
      password: string;
    };

/** Keepalive every second, give up after three missed: a hung node shows as down in about 4 s. */
const keepaliveIntervalMs = 1000;

/** Builds the connector the FleetClient uses. */
export function sshAgentConnector(
  credentials: AdminCredentials,
  options: { readyTimeoutMs?: number; callTimeoutMs?: number } = {},
): AgentConnector {
  return async (server: ServerEntry): Promise<AgentConnection> => {
    const connection = await connectRpc({
      host: server.address,
      port: server.controlPort,
      username: credentials.uid,
      ...('privateKey' in credentials
        ? { privateKey: credentials.privateKey }
        : { password: credentials.password }),
      pinnedHostKeys: server.hostKeys,
      keepaliveIntervalMs,
      readyTimeoutMs: options.readyTimeoutMs ?? 5000,
      rpc: { callTimeoutMs: options.callTimeoutMs ?? 10_000 },
    });
    const closed = new Promise<Error | undefined>((resolve) => {
      connection.once('close', () => resolve(undefined));
    });
    return {
      call: (method, params, callOptions) => connection.client.call(method, params, callOptions),
      onSample: (handler) => {
        connection.client.onNotification('metrics.sample', (params) => handler(params.sample));
      },
      onMoveProgress: (handler) => {
        connection.client.onNotification('move.progress', (params) => handler(params.job));
      },
      closed,
      close: () => connection.close(),
    };
  };
}
