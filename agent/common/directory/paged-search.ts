/** Paged searches (Simple Paged Results, RFC 2696) through a session, read into records. */
import { type LdapRecord, toLdapRecord } from './entry-mapping.js';
import type { LdapFilter } from './ldap-filter.js';
import type { LdapSession } from './ldap-session.js';

/** One search: what it is for (in error messages), where, and what to return. */
export interface SearchSpec {
  what: string;
  base: string;
  scope: 'one' | 'sub';
  filter: LdapFilter;
  attributes: readonly string[];
  /** Stop after this many entries. */
  limit?: number | undefined;
}

/**
 * Runs a search page by page (so servers' size limits, 500 in slapd by default, do not cut it
 * short) and stops once `limit` entries are read. Retried once if the connection drops.
 */
export function pagedSearch(session: LdapSession, spec: SearchSpec, pageSize: number): Promise<LdapRecord[]> {
  const { limit } = spec;
  return session.read(spec.what, async (client) => {
    const records: LdapRecord[] = [];
    const pages = client.searchPaginated(spec.base, {
      scope: spec.scope,
      filter: spec.filter,
      attributes: [...spec.attributes],
      paged: { pageSize: limit ? Math.min(limit, pageSize) : pageSize },
    });
    for await (const page of pages) {
      for (const entry of page.searchEntries) {
        records.push(toLdapRecord(entry));
        if (limit !== undefined && records.length >= limit) return records;
      }
    }
    return records;
  });
}
