/**
 * The DNS records a department publishes for its mail domain, and what DNS says about each now:
 * every DKIM key's TXT record (pending ones to publish before they sign, retiring ones to keep
 * until their grace ends), the SPF record authorising the director's outbound addresses, and a
 * DMARC record. Asked with the director's own resolvers (`dnsServers`), as receivers would.
 */
import { Resolver } from 'node:dns/promises';
import type { DepartmentDnsRecord } from '../../../common/contract/dkim-contract.js';
import { type DkimKeyValue, dkimTxtRecord } from './dkim-key-value.js';

/** What the director suggests beyond the keys: its SPF mechanisms and the DMARC policy. */
export interface DepartmentDnsPolicy {
  /** SPF mechanisms of the director's outbound addresses (`ip4:192.0.2.25`, `mx`). */
  spf: readonly string[];
  dmarcPolicy: 'none' | 'quarantine' | 'reject';
}

/** TXT answers for a name: the joined strings, `[]` for none (NXDOMAIN, NODATA), or unreachable. */
export type TxtLookup = (name: string) => Promise<string[] | 'unreachable'>;

/** A TXT lookup through the given resolvers (`address` or `address:port`), or the system's. */
export function txtLookup(servers?: readonly string[], timeoutMs = 3_000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers?.length) resolver.setServers([...servers]);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(''));
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'ENOTFOUND' || code === 'ENODATA') return [];
      return 'unreachable';
    }
  };
}

/** Spaces and the case of tag names do not matter to a verifier; compare without them. */
function squeeze(text: string): string {
  return text.replace(/\s+/g, '').toLowerCase();
}

/** The expected records of a domain with these keys and this policy, checked with `lookup`. */
export async function departmentDnsRecords(
  domain: string,
  keys: readonly DkimKeyValue[],
  policy: DepartmentDnsPolicy,
  lookup: TxtLookup,
): Promise<DepartmentDnsRecord[]> {
  const records: DepartmentDnsRecord[] = [];
  for (const key of keys) {
    const name = `${key.selector}._domainkey.${domain}`;
    const value = dkimTxtRecord(key);
    const answer = await lookup(name);
    const found =
      answer === 'unreachable'
        ? []
        : answer.filter((text) => /v\s*=\s*DKIM1/i.test(text) || /p\s*=/.test(text));
    records.push({
      purpose: 'dkim',
      name,
      type: 'TXT',
      value,
      selector: key.selector,
      algorithm: key.algorithm,
      state: key.state,
      ...(key.until ? { until: key.until } : {}),
      dns:
        answer === 'unreachable'
          ? 'unreachable'
          : found.some((text) => squeeze(text) === squeeze(value))
            ? 'published'
            : found.length
              ? 'different'
              : 'missing',
      found,
    });
  }
  const spfValue = `v=spf1 ${policy.spf.join(' ')} -all`;
  const spfAnswer = await lookup(domain);
  const spfFound = spfAnswer === 'unreachable' ? [] : spfAnswer.filter((text) => /^v=spf1(\s|$)/i.test(text));
  // Published when one SPF record authorises every mechanism the director sends from.
  const spfCovers =
    spfFound.length === 1 &&
    policy.spf.every((m) => (spfFound[0] ?? '').toLowerCase().split(/\s+/).includes(m.toLowerCase()));
  records.push({
    purpose: 'spf',
    name: domain,
    type: 'TXT',
    value: spfValue,
    dns:
      spfAnswer === 'unreachable'
        ? 'unreachable'
        : spfCovers
          ? 'published'
          : spfFound.length
            ? 'different'
            : 'missing',
    found: spfFound,
  });
  const dmarcName = `_dmarc.${domain}`;
  const dmarcValue = `v=DMARC1; p=${policy.dmarcPolicy}; adkim=r; aspf=r`;
  const dmarcAnswer = await lookup(dmarcName);
  const dmarcFound =
    dmarcAnswer === 'unreachable' ? [] : dmarcAnswer.filter((text) => /^v\s*=\s*DMARC1/i.test(text));
  // Any one valid DMARC record counts: the department may choose a stricter or looser policy.
  records.push({
    purpose: 'dmarc',
    name: dmarcName,
    type: 'TXT',
    value: dmarcValue,
    dns:
      dmarcAnswer === 'unreachable'
        ? 'unreachable'
        : dmarcFound.length === 1 && /;\s*p\s*=\s*(none|quarantine|reject)/i.test(dmarcFound[0] ?? '')
          ? 'published'
          : dmarcFound.length
            ? 'different'
            : 'missing',
    found: dmarcFound,
  });
  return records;
}
