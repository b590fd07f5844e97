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
import { BlockList, isIP } from 'node:net';
import type { Clock } from '../../daemon/clock.js';

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
  private readonly listed = new BlockList();
  /** Address -> time of its last server bind; Map order = least recent first. */
  private readonly boundNodes = new Map<string, number>();

  constructor(private readonly options: FleetAddressesOptions) {
    for (const entry of options.exemptAddresses ?? []) addToList(this.listed, entry);
  }

  /** Whether per-address limits leave `address` alone. */
  isFleetNode(address: string): boolean {
    const family = isIP(address);
    if (family !== 0 && this.listed.check(address, family === 6 ? 'ipv6' : 'ipv4')) return true;
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

/** Adds an address or CIDR range; throws for anything else (a typo must not widen nothing silently). */
function addToList(list: BlockList, entry: string): void {
  const [address = '', prefix] = entry.trim().split('/');
  const family = isIP(address);
  if (family === 0) throw new Error(`not an IP address or CIDR range: ${JSON.stringify(entry)}`);
  const type = family === 6 ? 'ipv6' : 'ipv4';
  if (prefix === undefined) {
    list.addAddress(address, type);
    return;
  }
  const bits = Number(prefix);
  if (!/^\d+$/.test(prefix) || bits > (family === 6 ? 128 : 32))
    throw new Error(`not a CIDR range: ${JSON.stringify(entry)}`);
  list.addSubnet(address, bits, type);
}
