/**
 * Who may deliver to a store over LMTP: the directors (the addresses of the `director` server
 * entries in the directory, host names resolved), this node itself, and the networks of
 * `mail.lmtpTrustedNetworks`. Everyone else is refused at connect, as Postfix's
 * `smtpd_client_restrictions` or Dovecot's `login_trusted_networks` would: mail from outside must go
 * through the gateway's and the director's checks, not straight into a mailbox.
 *
 * The list is read at most every `refreshMs` (one read shared by concurrent connections). An address
 * not on it makes the list be read again (at most every `missRefreshMs`) before the refusal, so a
 * director added a moment ago is not refused; a failed read keeps the previous list, and with none
 * yet the connection gets a temporary refusal.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { Clock } from '../../../common/clock.js';
import type { FleetDirectory } from '../../../common/directory/fleet-directory.js';
import { isTrustedAddress, trustedNetworkList } from '../../protocol/trusted-networks.js';

/** Options of {@link LmtpClientCheck}. */
export interface LmtpClientCheckOptions {
  directory: Pick<FleetDirectory, 'listServers'>;
  /** This node's name (its own address is allowed too). */
  node: string;
  /** Further networks (configuration). */
  trustedNetworks: readonly string[];
  clock: Clock;
  /** Default 30 s. */
  refreshMs?: number;
  /** Default 5 s: the least time between reads caused by unknown clients. */
  missRefreshMs?: number;
  /** Resolves a host name to its addresses (default: the system resolver). */
  resolve?: (host: string) => Promise<string[]>;
}

/** What the check answers for one client address. */
export type LmtpClientVerdict = 'allowed' | 'refused' | 'unknown';

async function resolveHost(host: string): Promise<string[]> {
  return (await lookup(host, { all: true })).map((found) => found.address);
}

function plainAddress(address: string): string {
  return address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();
}

/** The directors' and this node's addresses, read from the directory and kept for a while. */
export class LmtpClientCheck {
  private allowed: { addresses: Set<string>; readAt: number } | undefined;
  private reading: Promise<void> | undefined;
  private lastMissRead = Number.NEGATIVE_INFINITY;
  private readonly networks;

  constructor(private readonly options: LmtpClientCheckOptions) {
    this.networks = trustedNetworkList(options.trustedNetworks);
  }

  /** Whether `clientAddress` may deliver; `unknown` when the directory could not be read yet. */
  async verdict(clientAddress: string): Promise<LmtpClientVerdict> {
    const address = plainAddress(clientAddress);
    if (isTrustedAddress(this.networks, address)) return 'allowed';
    const now = this.options.clock.now();
    if (!this.allowed || now - this.allowed.readAt >= (this.options.refreshMs ?? 30_000)) await this.read();
    if (this.allowed?.addresses.has(address)) return 'allowed';
    if (this.allowed && now - this.lastMissRead >= (this.options.missRefreshMs ?? 5_000)) {
      this.lastMissRead = now;
      await this.read();
      if (this.allowed.addresses.has(address)) return 'allowed';
    }
    return this.allowed ? 'refused' : 'unknown';
  }

  private read(): Promise<void> {
    this.reading ??= this.readOnce().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async readOnce(): Promise<void> {
    try {
      const servers = await this.options.directory.listServers();
      const hosts = servers
        .filter((server) => server.role === 'director' || server.name === this.options.node)
        .map((server) => server.address);
      const resolve = this.options.resolve ?? resolveHost;
      const addresses = new Set<string>();
      for (const host of hosts) {
        if (isIP(host)) addresses.add(plainAddress(host));
        else for (const found of await resolve(host).catch(() => [])) addresses.add(plainAddress(found));
      }
      this.allowed = { addresses, readAt: this.options.clock.now() };
    } catch {
      // Keep the previous list (and try again after refreshMs): a directory hiccup must not stop
      // deliveries from the directors.
      if (this.allowed) this.allowed.readAt = this.options.clock.now();
    }
  }
}
