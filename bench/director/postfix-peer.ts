/**
 * The peer of the director bench: Debian's Postfix configured as the same relay as our director.
 * It takes SMTP on a free loopback port from 127.0.0.0/8, checks each recipient at RCPT against the
 * same directory through an `ldap:` table (postfix-ldap), queues durably (Postfix's cleanup fsyncs
 * before 250) and relays every accepted message by `lmtp:inet:127.0.0.1:SINK` to the same sink.
 * Postfix runs in the foreground (`postfix start-fg`) with its own config, queue and data
 * directories, as TESTBED.md says; Postfix's own defaults are kept where the setup does not need
 * a change (20 deliveries per destination, like the director's default concurrency).
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';
import { startForegroundDaemon } from '../support/foreground-daemon.js';

/** How Postfix finds recipients in the directory. */
export interface PostfixLdapSettings {
  url: string;
  /** Where mail users live (searched with scope sub). */
  searchBase: string;
  bindDn: string;
  bindPassword: string;
}

/** A running Postfix. */
export interface PostfixPeer {
  smtpPort: number;
  stop(): Promise<void>;
}

/** Starts Postfix relaying `domain` to the LMTP sink at `sinkPort`. */
export async function startPostfixPeer(
  dir: string,
  domain: string,
  sinkPort: number,
  ldap: PostfixLdapSettings,
): Promise<PostfixPeer> {
  ensureSystemRequirements([
    {
      program: '/usr/sbin/postfix',
      debianPackage: 'postfix',
      why: 'the director bench compares with Postfix',
    },
    {
      program: '/usr/lib/postfix/postfix-ldap.so',
      debianPackage: 'postfix-ldap',
      why: "Postfix's ldap: lookup tables, for the same directory lookups as the director",
    },
  ]);
  const config = join(dir, 'config');
  const queue = join(dir, 'queue');
  const data = join(dir, 'data');
  for (const path of [config, queue, data]) mkdirSync(path, { recursive: true });
  // Postfix's daemons run as `postfix` and refuse a data directory they do not own.
  const postfixUid = Number(execFileSync('id', ['-u', 'postfix'], { encoding: 'utf8' }).trim());
  const postfixGid = Number(execFileSync('id', ['-g', 'postfix'], { encoding: 'utf8' }).trim());
  chownSync(data, postfixUid, postfixGid);
  const [smtpPort] = (await findFreePorts(1)) as [number];
  const url = new URL(ldap.url);
  writeFileSync(
    join(config, 'ldap-recipients.cf'),
    [
      `server_host = ${url.hostname}`,
      `server_port = ${url.port}`,
      'version = 3',
      `search_base = ${ldap.searchBase}`,
      'scope = sub',
      'query_filter = (&(objectClass=inetLocalMailRecipient)(|(mail=%s)(mailLocalAddress=%s)))',
      'result_attribute = mail',
      'bind = yes',
      `bind_dn = ${ldap.bindDn}`,
      `bind_pw = ${ldap.bindPassword}`,
    ].join('\n'),
    { mode: 0o640 },
  );
  const log = join(dir, 'postfix.log');
  writeFileSync(
    join(config, 'main.cf'),
    [
      'compatibility_level = 3.6',
      `queue_directory = ${queue}`,
      `data_directory = ${data}`,
      'mail_owner = postfix',
      'setgid_group = postdrop',
      `maillog_file = ${log}`,
      `maillog_file_prefixes = ${dir}`,
      'myhostname = postfix-peer.bench',
      'mydestination =',
      'local_recipient_maps =',
      'alias_maps =',
      'alias_database =',
      'inet_interfaces = 127.0.0.1',
      'inet_protocols = ipv4',
      'mynetworks = 127.0.0.0/8',
      `relay_domains = ${domain}`,
      `relay_recipient_maps = ldap:${join(config, 'ldap-recipients.cf')}`,
      `relay_transport = lmtp:inet:127.0.0.1:${sinkPort}`,
      'smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination',
      // No DNS on this machine: numeric LMTP next hop, no client name lookups (ours does none either).
      'lmtp_host_lookup = native',
      'smtp_host_lookup = native',
      'smtpd_peername_lookup = no',
      'biff = no',
      'smtputf8_enable = no',
      'shlib_directory = /usr/lib/postfix',
      'daemon_directory = /usr/lib/postfix/sbin',
      'command_directory = /usr/sbin',
      'meta_directory = /etc/postfix',
    ].join('\n'),
  );
  writeFileSync(join(config, 'master.cf'), masterCf(smtpPort));
  execFileSync('/usr/sbin/postfix', ['-c', config, 'check'], { stdio: 'pipe' });
  const daemon = await startForegroundDaemon(
    '/usr/sbin/postfix',
    ['-c', config, 'start-fg'],
    smtpPort,
    'postfix smtpd',
  );
  return { smtpPort, stop: () => daemon.stop() };
}

function masterCf(smtpPort: number): string {
  // service type private unpriv chroot wakeup maxproc command
  return `${[
    `127.0.0.1:${smtpPort} inet n - n - - smtpd`,
    'pickup unix n - n 60 1 pickup',
    'cleanup unix n - n - 0 cleanup',
    'qmgr unix n - n 300 1 qmgr',
    'rewrite unix - - n - - trivial-rewrite',
    'bounce unix - - n - 0 bounce',
    'defer unix - - n - 0 bounce',
    'trace unix - - n - 0 bounce',
    'verify unix - - n - 1 verify',
    'flush unix n - n 1000? 0 flush',
    'proxymap unix - - n - - proxymap',
    'smtp unix - - n - - smtp',
    'relay unix - - n - - smtp',
    'showq unix n - n - - showq',
    'error unix - - n - - error',
    'retry unix - - n - - error',
    'discard unix - - n - - discard',
    'lmtp unix - - n - - lmtp',
    'anvil unix - - n - 1 anvil',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
  ].join('\n')}\n`;
}
