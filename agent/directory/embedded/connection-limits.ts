/**
 * Connection limits of the embedded directory: at most `maxConnectionsPerAddress` connections from
 * one client address and `maxConnections` in all, and idle connections closed, as slapd's
 * `idletimeout` closes them (a connection with an operation in progress is not idle).
 *
 * A connection over a cap is told why with an LDAP Notice of Disconnection (RFC 4511 4.4.1:
 * unsolicited, resultCode unavailable) and closed; everyone else keeps being served. The fleet's
 * own nodes (fleet-addresses.ts) are not held to either cap: they are few, and the stores and the
 * director must reach the directory for every mail login even while outsiders fill the caps.
 * Connections that never bound get a shorter idle time (like OpenSSH's LoginGraceTime): holding
 * unauthenticated connections open is how the caps would be filled.
 */
import type { Socket } from 'node:net';
import { BerWriter } from 'ldapts';
import type { FleetAddresses } from './fleet-addresses.js';
import { resultCodes } from './ldap-result-error.js';

/** Tuning of the limits. */
export interface ConnectionLimitOptions {
  /** Connections from addresses that are not fleet nodes, in all. Default 1,024. */
  maxConnections?: number;
  /** Connections from one address that is not a fleet node. Default 64. */
  maxConnectionsPerAddress?: number;
  /** A bound connection with nothing in progress is closed after this long; 0: never. Default 15 min. */
  idleTimeoutMs?: number;
  /** The same for a connection that has not bound (yet). Default 60 s. */
  unboundIdleTimeoutMs?: number;
}

/** The defaults of {@link ConnectionLimitOptions}. */
export const defaultConnectionLimits: Required<ConnectionLimitOptions> = {
  maxConnections: 1_024,
  maxConnectionsPerAddress: 64,
  idleTimeoutMs: 15 * 60_000,
  unboundIdleTimeoutMs: 60_000,
};

/** Counts since start, for metrics. */
export interface ConnectionCounts {
  refused: number;
  idleClosed: number;
}

/** Why a connection was refused. */
export type ConnectionRefusal = 'per-address' | 'total';

const noticeOfDisconnectionOid = '1.3.6.1.4.1.1466.20036';

/** Counts connections per address and decides admission and idleness. */
export class ConnectionLimits {
  private readonly limits: Required<ConnectionLimitOptions>;
  private readonly perAddress = new Map<string, number>();
  /** Connections from addresses that are not fleet nodes. */
  private outsiders = 0;
  /** Every open connection, fleet nodes included. */
  private open = 0;
  readonly counts: ConnectionCounts = { refused: 0, idleClosed: 0 };

  constructor(
    options: ConnectionLimitOptions,
    private readonly fleet: FleetAddresses,
  ) {
    this.limits = { ...defaultConnectionLimits, ...options };
  }

  /** Open connections now. */
  get connections(): number {
    return this.open;
  }

  /**
   * Admits a new connection from `address` (then `release` it once closed), or says why not.
   * Whether the address is a fleet node is decided now and kept for the release.
   */
  admit(
    address: string,
  ): { admitted: true; release: () => void } | { admitted: false; why: ConnectionRefusal } {
    if (this.fleet.isFleetNode(address)) {
      this.open++;
      return { admitted: true, release: once(() => this.open--) };
    }
    const fromAddress = this.perAddress.get(address) ?? 0;
    const why: ConnectionRefusal | undefined =
      fromAddress >= this.limits.maxConnectionsPerAddress
        ? 'per-address'
        : this.outsiders >= this.limits.maxConnections
          ? 'total'
          : undefined;
    if (why) {
      this.counts.refused++;
      return { admitted: false, why };
    }
    this.perAddress.set(address, fromAddress + 1);
    this.outsiders++;
    this.open++;
    return {
      admitted: true,
      release: once(() => {
        this.open--;
        this.outsiders--;
        const left = (this.perAddress.get(address) ?? 1) - 1;
        if (left <= 0) this.perAddress.delete(address);
        else this.perAddress.set(address, left);
      }),
    };
  }

  /**
   * Closes `socket` after the idle time of its state (bound or not); re-armed by any traffic on it
   * and by `watchIdle` again after a bind. An operation in progress keeps it open.
   */
  watchIdle(socket: Socket, isBound: () => boolean, inFlight: () => number): void {
    const timeout = isBound() ? this.limits.idleTimeoutMs : this.limits.unboundIdleTimeoutMs;
    socket.setTimeout(timeout);
    socket.removeAllListeners('timeout');
    if (timeout === 0) return;
    socket.on('timeout', () => {
      // A slow operation (a write waiting for its fsync) is not idleness: wait another period.
      if (inFlight() > 0) {
        socket.setTimeout(timeout);
        return;
      }
      this.counts.idleClosed++;
      // As slapd's idletimeout: the connection is just closed (a client reconnects when it needs to).
      socket.destroy();
    });
  }
}

/** Tells a refused client why and closes its connection. */
export function refuseConnection(socket: Socket, address: string, why: ConnectionRefusal): void {
  const message =
    why === 'per-address'
      ? `too many connections from ${address}: close some and try again`
      : 'too many connections to this directory: try again later';
  socket.on('error', () => {});
  socket.end(noticeOfDisconnection(message));
  // A client that does not read must not keep the socket: it is destroyed shortly after.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** An unsolicited Notice of Disconnection (RFC 4511 4.4.1), resultCode unavailable (52). */
export function noticeOfDisconnection(message: string): Buffer {
  const writer = new BerWriter();
  writer.startSequence();
  writer.writeInt(0);
  writer.startSequence(0x78);
  writer.writeEnumeration(resultCodes.unavailable);
  writer.writeString('');
  writer.writeString(message);
  writer.writeString(noticeOfDisconnectionOid, 0x8a);
  writer.endSequence();
  writer.endSequence();
  return writer.buffer;
}

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}
