/**
 * slapd.conf for the test slapd: Debian's core, cosine, inetorgperson and misc schema plus our
 * shipped schema files, back_mdb, pw-sha2 and unique as modules, {SSHA512} for Password Modify,
 * unique addresses below ou=domains, and access rules with the same meaning as the embedded
 * directory's (agent/directory/embedded/access-control.ts); docs/directory.md explains them.
 */
import { join } from 'node:path';

/** What the configuration needs. */
export interface SlapdConfigOptions {
  baseDn: string;
  rootDn: string;
  rootPassword: string;
  dataDir: string;
  pidFile: string;
  /** build/ldap */
  schemaDir: string;
}

/** The slapd access rules for the fleet tree under `baseDn`. */
export function fleetAccessRules(baseDn: string): string {
  // Regex special characters in the suffix are matched literally through a character class.
  const base = baseDn.toLowerCase().replace(/[.^$*+?()[\]{}|]/g, (c) => `[${c}]`);
  const system = 'set="user/mailfleetAdminTier & [system]"';
  const helpdesk = 'set="user/mailfleetAdminTier & [helpdesk]"';
  // A domain admin: tier `domain` AND the domain among its mailfleetAdminDomain values ("+" concatenates).
  const domainAdmin = 'set.expand="user/mailfleetAdminTier + [/] + user/mailfleetAdminDomain & [domain/$1]"';
  // Any domain-tier admin; placed after the clause of its own domains, it stops the others at "none"
  // (not even disclose, so another department's entries answer noSuchObject, as missing ones do).
  const anyDomainAdmin = 'set="user/mailfleetAdminTier & [domain]"';
  return `
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read

access to dn.regex="^.+,cn=([^,]+),ou=domains,${base}$" attrs=userPassword
  by anonymous auth
  by self =w
  by ${system} =w
  by ${helpdesk} =w
  by ${domainAdmin} =w
  by * none

access to attrs=userPassword
  by anonymous auth
  by self =w
  by ${system} =w
  by * none

access to dn.regex="^cn=[^,]+,ou=servers,${base}$" attrs=mailfleetNodeState,mailfleetEndpoint,mailfleetAddress,mailfleetControlPort,sshPublicKey
  by self write
  by ${system} write
  by users read
  by * none

access to dn.regex="^.+,cn=([^,]+),ou=domains,${base}$"
  by ${system} write
  by ${helpdesk} write
  by ${domainAdmin} write
  by ${anyDomainAdmin} none
  by users read
  by * none

access to dn.regex="^cn=([^,]+),ou=domains,${base}$" attrs=children
  by ${system} write
  by ${helpdesk} write
  by ${domainAdmin} write
  by ${anyDomainAdmin} none
  by users read
  by * none

access to dn.regex="^cn=([^,]+),ou=domains,${base}$"
  by ${system} write
  by ${domainAdmin} read
  by ${anyDomainAdmin} none
  by users read
  by * none

access to dn.one="ou=admins,${baseDn}"
  by ${system} write
  by self read
  by ${anyDomainAdmin} none
  by users read
  by * none

access to *
  by ${system} write
  by users read
  by * none
`;
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

/** The whole slapd.conf. */
export function slapdConfig(options: SlapdConfigOptions): string {
  const standard = ['core', 'cosine', 'inetorgperson', 'misc'].map(
    (n) => `include /etc/ldap/schema/${n}.schema`,
  );
  const ours = ['openssh-lpk', 'mailfleet'].map((n) => `include ${join(options.schemaDir, `${n}.schema`)}`);
  return `${[...standard, ...ours].join('\n')}
pidfile ${options.pidFile}
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload pw-sha2
moduleload unique
password-hash {SSHA512}
sizelimit size.soft=500 size.hard=500 size.prtotal=unlimited

database mdb
maxsize 1073741824
suffix "${options.baseDn}"
rootdn "${options.rootDn}"
rootpw ${options.rootPassword}
directory ${options.dataDir}
dbnosync
index objectClass eq
index uid,cn,mail eq,sub
index mailLocalAddress,mailHost eq
${fleetUniqueAddresses(options.baseDn)}${fleetAccessRules(options.baseDn)}`;
}
