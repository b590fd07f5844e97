/**
 * slapd.conf for the test slapd: Debian's core, cosine, inetorgperson and misc schema plus our
 * shipped schema files, {SSHA512} for Password Modify, and the shipped database rules
 * (agent/directory/slapd/: unique addresses, password policy, access rules with the same meaning
 * as the embedded directory's); docs/directory.md explains them.
 */
import { join } from 'node:path';
import { fleetDatabaseRules, slapdGlobalLines } from '../../agent/directory/slapd/database-rules.js';
import {
  type MultiProviderOptions,
  multiProviderDatabaseLines,
  multiProviderGlobalLines,
} from '../../agent/directory/slapd/multi-provider.js';

/** What the configuration needs. */
export interface SlapdConfigOptions {
  baseDn: string;
  rootDn: string;
  rootPassword: string;
  dataDir: string;
  pidFile: string;
  /** build/ldap */
  schemaDir: string;
  /** slapd's `idletimeout` in seconds (default the shipped one). */
  idleTimeoutSeconds?: number;
  /** One of several providers in multi-provider replication (the shipped multi-provider lines). */
  multiProvider?: MultiProviderOptions;
  /** Where slapo-auditlog writes (the shipped path otherwise). */
  auditLogFile?: string;
}

/** The whole slapd.conf. */
export function slapdConfig(options: SlapdConfigOptions): string {
  const standard = ['core', 'cosine', 'inetorgperson', 'misc'].map(
    (n) => `include /etc/ldap/schema/${n}.schema`,
  );
  const ours = ['openssh-lpk', 'mailfleet'].map((n) => `include ${join(options.schemaDir, `${n}.schema`)}`);
  return `${[...standard, ...ours].join('\n')}
pidfile ${options.pidFile}
${slapdGlobalLines(options.idleTimeoutSeconds)}${options.multiProvider ? multiProviderGlobalLines(options.multiProvider) : ''}
database mdb
maxsize 1073741824
suffix "${options.baseDn}"
rootdn "${options.rootDn}"
rootpw ${options.rootPassword}
directory ${options.dataDir}
dbnosync
index objectClass eq
index uid,cn,mail,msDS-PhoneticDisplayName eq,sub
index mailLocalAddress,mailHost eq
${options.multiProvider ? multiProviderDatabaseLines(options.multiProvider) : ''}${fleetDatabaseRules(options.baseDn, options.auditLogFile)}`;
}
