/**
 * The director's side of a domain's DKIM keys: makes them (private key on disk, public key and
 * selector in the directory), activates pending ones once DNS publishes them, retires and finally
 * removes replaced ones (dkim-rotation.ts), and lists the records a department publishes
 * (department-dns.ts). The RPCs `dkim.records`, `dkim.rotate`, `dkim.activate` call it.
 */

import type { Clock } from '../../../common/clock.js';
import type { DepartmentDnsRecords } from '../../../common/contract/dkim-contract.js';
import type { FleetDirectory } from '../../../common/directory/fleet-directory.js';
import { type DepartmentDnsPolicy, departmentDnsRecords, type TxtLookup } from './department-dns.js';
import type { DkimKeyFiles } from './dkim-key-files.js';
import { type DkimKeyValue, formatDkimKeyValue } from './dkim-key-value.js';
import { activatePending, defaultDkimGraceMs, withNewKeys, withoutExpired } from './dkim-rotation.js';
import type { DkimSigner } from './dkim-signer.js';

/** A request about a domain the directory does not have. */
export class UnknownMailDomain extends Error {}

/** A pending key whose record DNS does not publish yet. */
export class DkimRecordsNotPublished extends Error {}

/** Options of DomainDkimKeys. */
export interface DomainDkimKeysOptions {
  directory: Pick<FleetDirectory, 'listDomains' | 'setDomainDkimKeys'>;
  keyFiles: DkimKeyFiles;
  signer: DkimSigner;
  clock: Clock;
  lookup: TxtLookup;
  policy: DepartmentDnsPolicy;
  graceMs?: number;
  log?: (level: 'info' | 'warn', message: string, fields: Record<string, unknown>) => void;
}

/** The keys of every mail domain, as the director manages them. */
export class DomainDkimKeys {
  constructor(private readonly options: DomainDkimKeysOptions) {}

  /** The domain's keys as the directory holds them now. */
  async keys(domain: string): Promise<DkimKeyValue[]> {
    const name = domain.toLowerCase();
    if (!(await this.options.directory.listDomains()).some((entry) => entry.name === name))
      throw new UnknownMailDomain(`no such mail domain ${domain}`);
    this.options.signer.invalidate();
    return this.options.signer.keysOf(name);
  }

  /** Makes an RSA 2048 and an Ed25519 key, pending; returns their selectors. */
  async rotate(domain: string): Promise<string[]> {
    const current = await this.keys(domain);
    const now = new Date(this.options.clock.now());
    const fresh = [
      await this.options.keyFiles.create(domain, 'rsa-sha256', now),
      await this.options.keyFiles.create(domain, 'ed25519-sha256', now),
    ];
    const next = withNewKeys(current, fresh);
    await this.write(domain, next);
    // A pending key replaced before it was ever published: its file goes too.
    await this.options.keyFiles.removeExcept(domain, new Set(next.map((key) => key.selector)));
    this.options.log?.('info', 'new DKIM keys made, pending publication', {
      domain,
      selectors: fresh.map((k) => k.selector),
    });
    return fresh.map((key) => key.selector);
  }

  /**
   * Makes the pending keys sign. Unless `force`, each pending key's record must be published in
   * DNS first, or receivers would fail every signature made with it.
   */
  async activate(domain: string, force = false): Promise<{ active: string[]; retiring: string[] }> {
    const current = await this.keys(domain);
    if (!force) {
      const records = await departmentDnsRecords(
        domain.toLowerCase(),
        current.filter((k) => k.state === 'pending'),
        this.options.policy,
        this.options.lookup,
      );
      const unpublished = records
        .filter((r) => r.purpose === 'dkim' && r.dns !== 'published')
        .map((r) => `${r.name} (${r.dns})`);
      if (unpublished.length)
        throw new DkimRecordsNotPublished(`publish these DKIM records first: ${unpublished.join(', ')}`);
    }
    const next = activatePending(
      current,
      new Date(this.options.clock.now()),
      this.options.graceMs ?? defaultDkimGraceMs,
    );
    await this.write(domain, next);
    return {
      active: next.filter((k) => k.state === 'active').map((k) => k.selector),
      retiring: next.filter((k) => k.state === 'retiring').map((k) => k.selector),
    };
  }

  /** The records the department publishes, checked against DNS now. */
  async records(domain: string): Promise<DepartmentDnsRecords> {
    const keys = await this.keys(domain);
    return {
      domain: domain.toLowerCase(),
      checkedAt: this.options.clock.now(),
      records: await departmentDnsRecords(
        domain.toLowerCase(),
        keys,
        this.options.policy,
        this.options.lookup,
      ),
    };
  }

  /** Drops retiring keys past their grace from every domain and deletes their private keys. */
  async sweep(): Promise<void> {
    const now = new Date(this.options.clock.now());
    for (const entry of await this.options.directory.listDomains()) {
      const current = await this.options.signer.keysOf(entry.name);
      const next = withoutExpired(current, now);
      if (next.length === current.length) continue;
      await this.write(entry.name, next);
      const removed = await this.options.keyFiles.removeExcept(
        entry.name,
        new Set(next.map((key) => key.selector)),
      );
      this.options.log?.('info', 'retired DKIM keys removed after their grace period', {
        domain: entry.name,
        selectors: removed,
      });
    }
  }

  private async write(domain: string, keys: DkimKeyValue[]): Promise<void> {
    await this.options.directory.setDomainDkimKeys(domain.toLowerCase(), keys.map(formatDkimKeyValue));
    this.options.signer.invalidate();
  }
}
