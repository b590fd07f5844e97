/**
 * The lab's departments publishing their DNS records: on every `lab up` (the simulated internet's
 * DNS starts empty each time) each lab domain's DKIM keys, SPF and DMARC go into it, exactly as the
 * director lists them (`dkim.records`, what the console shows). A domain without keys gets them the
 * way a site does it: `dkim.rotate` makes pending keys, their records are published, `dkim.activate`
 * checks DNS and makes them sign.
 */
import type { OpenFleet } from '../../core/open-fleet.js';
import type { DnsResponder } from '../simulated-internet/dns-responder.js';

/** Publishes every domain's records; returns how many domains got new keys. */
export async function publishLabDomainRecords(
  fleet: OpenFleet['fleet'],
  director: string,
  domains: readonly string[],
  dns: DnsResponder,
): Promise<number> {
  let made = 0;
  for (const domain of domains) {
    let listed = await fleet.call(director, 'dkim.records', { domain });
    const hasKeys = listed.records.some((record) => record.purpose === 'dkim');
    if (!hasKeys) {
      await fleet.call(director, 'dkim.rotate', { domain });
      listed = await fleet.call(director, 'dkim.records', { domain });
    }
    // One TXT set per name: a name's records are gathered first (SPF and others share the apex).
    const byName = new Map<string, string[]>();
    for (const record of listed.records)
      byName.set(record.name, [...(byName.get(record.name) ?? []), record.value]);
    for (const [name, txt] of byName) dns.setName(name, { ...dns.records(name), txt });
    if (!hasKeys) {
      await fleet.call(director, 'dkim.activate', { domain, force: false });
      made++;
    }
  }
  return made;
}
