/**
 * Is this address one of ours, and does it exist? The gateway refuses unknown recipients at RCPT
 * (no backscatter) and mail for domains it does not serve (no open relay). Users are looked up by
 * address in the directory each time (an indexed lookup); the domain list and each domain's aliases
 * and groups are cached for `cacheMs`, since those change rarely and listing them costs more.
 */
import type { Clock } from '../../common/clock.js';
import type { FleetDirectory } from '../../common/directory/fleet-directory.js';

/** What the directory says about a recipient. */
export type RecipientStatus = 'user' | 'alias' | 'group' | 'unknown' | 'not-local';

/** Directory-backed recipient check of one gateway. */
export class RecipientCheck {
  private domains: { at: number; names: Set<string> } | null = null;
  private readonly domainAddresses = new Map<
    string,
    { at: number; addresses: Map<string, RecipientStatus> }
  >();

  constructor(
    private readonly directory: Pick<
      FleetDirectory,
      'listDomains' | 'findUserByAddress' | 'listAliases' | 'listGroups'
    >,
    private readonly clock: Clock,
    private readonly cacheMs = 60_000,
  ) {}

  /** Looks an address up (already parsed and lower-cased). Rejects when the directory fails. */
  async status(address: string): Promise<RecipientStatus> {
    const domain = address.slice(address.lastIndexOf('@') + 1);
    const now = this.clock.now();
    if (!this.domains || now - this.domains.at > this.cacheMs) {
      const list = await this.directory.listDomains();
      this.domains = { at: now, names: new Set(list.map((d) => d.name.toLowerCase())) };
    }
    if (!this.domains.names.has(domain)) return 'not-local';
    if (await this.directory.findUserByAddress(address)) return 'user';
    let cached = this.domainAddresses.get(domain);
    if (!cached || now - cached.at > this.cacheMs) {
      const [aliases, groups] = await Promise.all([
        this.directory.listAliases(domain),
        this.directory.listGroups(domain),
      ]);
      const addresses = new Map<string, RecipientStatus>();
      for (const a of aliases) addresses.set(a.mail.toLowerCase(), 'alias');
      for (const g of groups) addresses.set(g.mail.toLowerCase(), 'group');
      cached = { at: now, addresses };
      this.domainAddresses.set(domain, cached);
    }
    return cached.addresses.get(address) ?? 'unknown';
  }
}
