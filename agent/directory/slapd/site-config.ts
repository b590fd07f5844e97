/**
 * What a site running OpenLDAP slapd adds for the fleet, as text to paste or include: the global
 * lines and the database lines (slapd.conf form), and the default password policy entry (LDIF).
 * `build/ldap/mailfleet-slapd.conf` and `build/ldap/mailfleet-ppolicy.ldif` are these for
 * {@link exampleSuffix}; `mailfleet-agent --slapd-config <base DN>` prints them for a site's own.
 */

import { randomBytes } from 'node:crypto';
import { hashPassword } from '../embedded/password-hash.js';
import { formatLdif } from '../ldif.js';
import {
  fleetDatabaseRules,
  passwordPolicy,
  passwordPolicyEntries,
  slapdAuditLogFile,
  slapdGlobalLines,
  slapdIdleTimeoutSeconds,
} from './database-rules.js';
import {
  multiProviderDatabaseLines,
  multiProviderGlobalLines,
  replicatorDn,
  replicatorEntries,
} from './multi-provider.js';

/** The suffix the shipped files are rendered for. */
export const exampleSuffix = 'dc=univ,dc=example';

/** The slapd.conf lines for the fleet tree under `baseDn`, with what each part is for. */
export function renderSlapdSiteConfig(baseDn: string): string {
  return `# mailfleet: the slapd.conf lines a directory serving the fleet tree under
# ${baseDn} needs, besides the schema (include core, cosine, inetorgperson, misc,
# openssh-lpk.schema and mailfleet.schema). Printed by
#   mailfleet-agent --slapd-config ${baseDn}
# (docs/directory.md). In cn=config: olcModuleLoad, olcPasswordHash, olcIdleTimeout on cn=config,
# olcAddContentAcl and one olcAccess value per "access to" block, in this order, on the database,
# and an olcOverlay entry per overlay.

# --- global section, before "database": the modules; Password Modify stores {SSHA512}
# hashes (the clients never hash); connections idle for ${slapdIdleTimeoutSeconds / 60} minutes are closed (agents and
# consoles reconnect); paged searches of the fleet's identities read every entry, 500 a page.
${slapdGlobalLines()}
# --- in the database of ${baseDn}, after suffix, rootdn, directory and:
# index objectClass eq
# index uid,cn,mail,msDS-PhoneticDisplayName eq,sub
# index mailLocalAddress,mailHost eq
# Then: the content of an add is checked attribute by attribute (so no admin attribute can be
# added outside ou=admins); one holder per address (unique); a DN is locked for ${passwordPolicy.lockoutDurationSeconds / 60} minutes
# after ${passwordPolicy.maxFailures} failed binds in ${passwordPolicy.failureCountIntervalSeconds / 60} minutes (ppolicy; add mailfleet-ppolicy.ldif first);
# every write recorded with the writer's DN in ${slapdAuditLogFile} (auditlog; the agent on this host
# reads it for the console's Audit view: set slapdAuditLog in its configuration and let it read the
# file, which holds password hashes: keep it 0640 openldap:mailfleet at most);
# the access rules.
${fleetDatabaseRules(baseDn)}`;
}

/** The password policy container and default policy entry, as LDIF for ldapadd. */
export function renderPasswordPolicyLdif(baseDn: string): string {
  return `# mailfleet: the default password policy slapo-ppolicy applies (ppolicy_default), for
# ${baseDn}. Add once: ldapadd -x -D <rootdn> -W -f mailfleet-ppolicy.ldif
${formatLdif(passwordPolicyEntries(baseDn))}`;
}

/** The providers the shipped multi-provider file is rendered for. */
export const exampleProviders = ['ldap://ldap1.univ.example/', 'ldap://ldap2.univ.example/'] as const;

/** What the shipped file has where a site puts the replication account's password. */
export const replicatorPasswordPlaceholder = 'REPLACE-WITH-THE-REPLICATOR-PASSWORD';

/**
 * The lines two providers in multi-provider replication add to {@link renderSlapdSiteConfig}'s
 * (the same file on both: each finds its serverID by the URL it listens on).
 */
export function renderMultiProviderSiteConfig(baseDn: string, providers: readonly string[]): string {
  const options = { baseDn, providers, replicatorPassword: replicatorPasswordPlaceholder };
  return `# mailfleet: multi-provider replication of the fleet tree under ${baseDn}
# between ${providers.join(' and ')}
# (docs/directory.md, "Two providers"). The same lines on every provider, next to those of
# mailfleet-slapd.conf. Keep this file mode 0640 root:openldap: it holds the
# replication account's password (put it where ${replicatorPasswordPlaceholder} stands). slapd's
# "-h" must list each provider's own URL exactly as written in its serverID line.

# --- global section, after mailfleet-slapd.conf's global lines:
${multiProviderGlobalLines(options)}
# --- in the database of ${baseDn}, after suffix, rootdn, directory and the indexes, BEFORE
# mailfleet-slapd.conf's database lines (add_content_acl, the overlays, the access rules): the
# replication account reads everything with no limit and writes nothing; one syncrepl per
# provider (the one to itself is skipped); syncprov sends the changes and keeps contextCSN.
${multiProviderDatabaseLines(options)}`;
}

/**
 * The replication account and its password policy as LDIF for ldapadd on one provider. Its
 * password is a random one nobody knows: set the real one with Password Modify afterwards
 * (`ldappasswd -x -D <rootdn> -W -S cn=replicator,<base>`), so it is never in a file but slapd.conf.
 */
export function renderReplicatorLdif(baseDn: string): string {
  return `# mailfleet: the replication account of multi-provider replication for ${baseDn}, and its
# password policy (no lockout). Add once on one provider: ldapadd -x -D <rootdn> -W -f FILE
# then set its password: ldappasswd -x -D <rootdn> -W -S ${replicatorDn(baseDn)}
${formatLdif(replicatorEntries(baseDn, hashPassword(randomBytes(32).toString('base64'))))}`;
}
