/**
 * What a slapd database serving the fleet tree needs besides the schema, in slapd.conf form:
 * attribute-level checks of adds (so the access rules can refuse an admin attribute in a new
 * entry), one holder per address (slapo-unique), lockout after failed binds (slapo-ppolicy with
 * a default policy entry) and the access rules. `build/ldap/mailfleet-slapd.conf` and
 * `build/ldap/mailfleet-ppolicy.ldif` are these, rendered for an example suffix; the test slapd
 * runs exactly them. docs/directory.md says what a site sets.
 */
import type { DirectoryEntry } from '../../common/directory/directory-entry.js';
import { passwordLimits } from '../../common/directory/password-policy.js';
import { fleetAccessRules } from './access-rules.js';

/** Modules the database lines need (`moduleload`, before the database). */
export const slapdModules = ['back_mdb', 'pw-sha2', 'unique', 'ppolicy', 'auditlog'] as const;

/**
 * Lockout of a DN after failed binds, the same on both servers (the embedded directory's per-DN
 * throttle uses these numbers): 10 failures within 15 minutes lock it for 5 minutes. A locked
 * bind is answered invalidCredentials (49) like a wrong password (no `ppolicy_use_lockout`, so
 * nothing tells a guesser the lock).
 */
export const passwordPolicy = {
  maxFailures: 10,
  failureCountIntervalSeconds: 15 * 60,
  lockoutDurationSeconds: 5 * 60,
} as const;

/** Seconds of silence after which slapd closes a client connection (`idletimeout`, global). */
export const slapdIdleTimeoutSeconds = 15 * 60;

/** The global slapd.conf lines (before `database`): modules, hashing, idle time, size limits. */
export function slapdGlobalLines(idleTimeoutSeconds = slapdIdleTimeoutSeconds): string {
  return `modulepath /usr/lib/ldap
${slapdModules.map((m) => `moduleload ${m}`).join('\n')}
password-hash {SSHA512}
idletimeout ${idleTimeoutSeconds}
sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited
`;
}

/** The DN of the default password policy entry. */
export function passwordPolicyDn(baseDn: string): string {
  return `cn=default,ou=policies,${baseDn}`;
}

/** The container and default policy entry slapo-ppolicy reads (add them once, e.g. with ldapadd). */
export function passwordPolicyEntries(baseDn: string): DirectoryEntry[] {
  return [
    {
      dn: `ou=policies,${baseDn}`,
      attributes: { objectClass: ['top', 'organizationalUnit'], ou: ['policies'] },
    },
    {
      dn: passwordPolicyDn(baseDn),
      attributes: {
        // pwdPolicy is auxiliary; device is a plain structural class with a cn.
        objectClass: ['top', 'device', 'pwdPolicy'],
        cn: ['default'],
        pwdAttribute: ['userPassword'],
        pwdLockout: ['TRUE'],
        pwdMaxFailure: [String(passwordPolicy.maxFailures)],
        pwdFailureCountInterval: [String(passwordPolicy.failureCountIntervalSeconds)],
        pwdLockoutDuration: [String(passwordPolicy.lockoutDurationSeconds)],
        // The length and "not the current one" rules of the password policy
        // (agent/common/directory/password-policy.ts) as slapo-ppolicy can say them.
        pwdMinLength: [String(passwordLimits.minCharacters)],
        pwdCheckQuality: ['2'],
        pwdInHistory: ['1'],
      },
    },
  ];
}

/**
 * The unique overlay (slapo-unique): no two entries below ou=domains hold the same `mail`, nor the
 * same `mailLocalAddress`, whoever writes (it searches as the rootdn, so a domain admin cannot
 * add an address held in a department it may not read). slapo-unique compares each attribute
 * with itself only: a `mail` equal to another entry's `mailLocalAddress` is not refused here
 * (docs/directory.md, "Unique addresses").
 */
export function fleetUniqueAddresses(baseDn: string): string {
  return `overlay unique
unique_uri ldap:///ou=domains,${baseDn}?mail,mailLocalAddress?sub
`;
}

/** The password policy overlay with the fleet's default policy. */
export function fleetPasswordPolicy(baseDn: string): string {
  return `overlay ppolicy
ppolicy_default "${passwordPolicyDn(baseDn)}"
`;
}

/** Where the shipped configuration has slapd record every write (slapo-auditlog, LDIF). */
export const slapdAuditLogFile = '/var/lib/ldap/mailfleet-audit.ldif';

/**
 * The audit log overlay (slapo-auditlog): slapd appends every write it commits, whoever binds, with
 * the writer's DN, to `file`; the agent on the directory host reads it for `audit.tail`
 * (agent/directory/slapd/slapd-audit-log.ts, docs/security.md).
 */
export function fleetAuditLog(file: string): string {
  return `overlay auditlog
auditlog ${file}
`;
}

/**
 * The lines of the fleet's database after `suffix`, `rootdn`, `directory` and the indexes: add
 * checks per attribute, the overlays, the access rules.
 */
export function fleetDatabaseRules(baseDn: string, auditLogFile = slapdAuditLogFile): string {
  return `add_content_acl on
${fleetUniqueAddresses(baseDn)}${fleetPasswordPolicy(baseDn)}${fleetAuditLog(auditLogFile)}${fleetAccessRules(baseDn)}`;
}
