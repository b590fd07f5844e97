/**
 * Which client addresses the embedded directory's per-address limits leave alone: the fleet's own
 * nodes. A store or the director binds as every mail user whose password it checks, from its one
 * address; counted like an outside client, a password-guessing run against IMAP from thousands of
 * addresses would lock the director's address here and with it every login of the fleet. The
 * nodes throttle those logins themselves, per user and per client address (agent/mail/auth).
 *
 * An address counts as a fleet node when the site lists it (`exemptAddresses`, addresses or CIDR
 * ranges, as OpenSSH's PerSourcePenaltyExemptList), or when a bind as a server entry (directly
 * under ou=servers) succeeded from it within the last `nodeMemoryMs`: every agent holds such a
 * connection, so the lab and a site that lists nothing still keep their nodes apart from outsiders.
 * The per-DN throttle applies to everyone, nodes included.
 */
import { type BlockList, isIP } from 'node:net';
import type { Clock } from '../../common/clock.js';
import { isTrustedAddress, trustedNetworkList } from '../../mail/protocol/trusted-networks.js';

/** Default memory of a node address after its last server bind: a day. */
export const defaultNodeMemoryMs = 24 * 3_600_000;

/** Most node addresses remembered from binds (a fleet has tens; the bound keeps memory fixed). */
const maxRememberedNodes = 4_096;

/** Options of {@link FleetAddresses}. */
export interface FleetAddressesOptions {
  /** Addresses (`192.0.2.7`, `2001:db8::7`) or CIDR ranges (`192.0.2.0/24`) of the fleet's nodes. */
  exemptAddresses?: readonly string[];
  /** How long an address stays a node address after a server bind from it. */
  nodeMemoryMs?: number;
  clock: Clock;
}

/** The client addresses of the fleet's own nodes. */
export class FleetAddresses {
  private readonly listed: BlockList;
  /** Address -> time of its last server bind; Map order = least recent first. */
  private readonly boundNodes = new Map<string, number>();

  /** Throws for an entry of `exemptAddresses` that is not an address or CIDR range. */
  constructor(private readonly options: FleetAddressesOptions) {
    this.listed = trustedNetworkList(options.exemptAddresses ?? []);
  }

  /** Whether per-address limits leave `address` alone. */
  isFleetNode(address: string): boolean {
    if (isTrustedAddress(this.listed, address)) return true;
    const at = this.boundNodes.get(address);
    if (at === undefined) return false;
    if (this.options.clock.now() - at <= (this.options.nodeMemoryMs ?? defaultNodeMemoryMs)) return true;
    this.boundNodes.delete(address);
    return false;
  }

  /** Notes a successful bind as a server entry from `address`. */
  noteServerBind(address: string): void {
    this.boundNodes.delete(address);
    this.boundNodes.set(address, this.options.clock.now());
    if (this.boundNodes.size > maxRememberedNodes) {
      const oldest = this.boundNodes.keys().next().value;
      if (oldest !== undefined) this.boundNodes.delete(oldest);
    }
  }
}

/** The client address of a socket, IPv4-mapped IPv6 written as plain IPv4 ('' when unknown). */
export function clientAddress(remoteAddress: string | undefined): string {
  if (!remoteAddress) return '';
  return remoteAddress.startsWith('::ffff:') && isIP(remoteAddress.slice(7)) === 4
    ? remoteAddress.slice(7)
    : remoteAddress;
}
