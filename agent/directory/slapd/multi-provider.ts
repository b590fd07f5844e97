/**
 * Two (or more) OpenLDAP providers holding the fleet tree in multi-provider replication
 * (syncrepl, `multiprovider on`, slapo-syncprov): every provider takes writes and sends them to
 * the others. One slapd.conf serves every provider: `serverID N <url>` lines name them all and
 * slapd picks its own ID from the URL it listens on, and its syncrepl stanza to itself is skipped.
 *
 * Replication binds as its own account, `cn=replicator,<base>`, which may read every entry and
 * attribute (password hashes included: the other provider must verify binds) with no size or
 * time limit, and write nothing. It has a password policy of its own without lockout: a guesser
 * locking it out would stop replication. docs/directory.md, "Two providers".
 */
import type { DirectoryEntry } from '../../common/directory/directory-entry.js';

/** What the multi-provider lines need. */
export interface MultiProviderOptions {
  baseDn: string;
  /** Each provider's URL as the others reach it and as it listens (`serverID` N is the Nth). */
  providers: readonly string[];
  /** The replication account's password, written in the syncrepl stanzas. */
  replicatorPassword: string;
  /** Seconds between syncrepl retries (default 5, for ever). */
  retrySeconds?: number;
}

/** The replication account. */
export function replicatorDn(baseDn: string): string {
  return `cn=replicator,${baseDn}`;
}

/** Its password policy: no lockout (binds only from the providers; the firewall keeps others out). */
export function replicatorPolicyDn(baseDn: string): string {
  return `cn=replicator,ou=policies,${baseDn}`;
}

/** The global lines: the syncprov module and one serverID per provider. */
export function multiProviderGlobalLines(options: MultiProviderOptions): string {
  const ids = options.providers.map((url, i) => `serverID ${i + 1} ${url}`);
  return `moduleload syncprov
${ids.join('\n')}
`;
}

/**
 * Database lines after `suffix`, `rootdn`, `directory` and the indexes, before the fleet's rules:
 * the indexes syncprov needs, the replicator's limits, one syncrepl stanza per provider, the
 * syncprov overlay, and the replicator's read access (a rule before the fleet's, `break` for
 * everyone else so the fleet's rules decide for them).
 */
export function multiProviderDatabaseLines(options: MultiProviderOptions): string {
  const { baseDn } = options;
  const replicator = replicatorDn(baseDn);
  const retry = options.retrySeconds ?? 5;
  const stanzas = options.providers.map(
    (url, i) => `syncrepl rid=${String(i + 1).padStart(3, '0')}
  provider=${url}
  bindmethod=simple
  binddn="${replicator}"
  credentials="${options.replicatorPassword}"
  searchbase="${baseDn}"
  type=refreshAndPersist
  retry="${retry} +"
  timeout=3
  network-timeout=3
  keepalive=240:10:30`,
  );
  return `index entryCSN,entryUUID eq
limits dn.exact="${replicator}" size=unlimited time=unlimited
${stanzas.join('\n')}
multiprovider on
overlay syncprov
syncprov-checkpoint 100 5
syncprov-sessionlog 10000
access to *
  by dn.exact="${replicator}" read
  by * break
`;
}

/**
 * The replication account's entry and its password policy (add both once, on one provider; the
 * others receive them). `passwordHash` is a `{SSHA512}`/`{SSHA}` value (e.g. from `slappasswd`).
 */
export function replicatorEntries(baseDn: string, passwordHash: string): DirectoryEntry[] {
  return [
    {
      dn: replicatorPolicyDn(baseDn),
      attributes: {
        objectClass: ['top', 'device', 'pwdPolicy'],
        cn: ['replicator'],
        pwdAttribute: ['userPassword'],
        pwdLockout: ['FALSE'],
      },
    },
    {
      dn: replicatorDn(baseDn),
      attributes: {
        objectClass: ['top', 'applicationProcess', 'simpleSecurityObject'],
        cn: ['replicator'],
        description: ['OpenLDAP multi-provider replication (syncrepl); reads everything, writes nothing'],
        userPassword: [passwordHash],
        pwdPolicySubentry: [replicatorPolicyDn(baseDn)],
      },
    },
  ];
}
