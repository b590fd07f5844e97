/**
 * The peer of the director bench: Debian's Postfix configured as a site runs it in front of its
 * stores. It takes SMTP on a free loopback port from 127.0.0.0/8, checks each recipient at RCPT
 * against the directory through `relay_recipient_maps = proxy:ldap:ldap-relay.cf` (postfix-ldap
 * behind the proxymap service, so the smtpd processes share its LDAP connection instead of each
 * opening one), queues durably (Postfix fsyncs each queue file before 250) and relays every accepted
 * message by `lmtp:inet:127.0.0.1:SINK` to the bench's sink. Without `ldap` it is the same Postfix
 * with no recipient table (every address of the domain accepted): the peer's standalone figure.
 * Postfix runs in the foreground through the interop tests' launcher
 * (test/support/foreground-postfix.ts), with these relay lines added to its main.cf basics;
 * Postfix's own defaults are kept where the setup does not need a change (20 deliveries per
 * destination, like the director's default concurrency; its retry timers).
 */
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { startForegroundPostfix } from '../../test/support/foreground-postfix.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

const run = promisify(execFile);

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

/** Starts Postfix relaying `domain` to the LMTP sink at `sinkPort`, recipients checked in `ldap` if given. */
export async function startPostfixPeer(
  dir: string,
  domain: string,
  sinkPort: number,
  ldap: PostfixLdapSettings | undefined,
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
  await mkdir(dir, { recursive: true });
  const [smtpPort] = (await findFreePorts(1)) as [number];
  const mainCf: Record<string, string> = {
    local_recipient_maps: '',
    relay_domains: domain,
    relay_transport: `lmtp:inet:127.0.0.1:${sinkPort}`,
    // No DNS on this machine: numeric LMTP next hop (ours does no lookups either).
    lmtp_host_lookup: 'native',
    smtp_host_lookup: 'native',
  };
  if (ldap) {
    const table = join(dir, 'ldap-relay.cf');
    await writeRecipientTable(table, ldap);
    mainCf.relay_recipient_maps = `proxy:ldap:${table}`;
  }
  const postfix = await startForegroundPostfix({
    dir,
    hostName: ldap ? 'postfix-peer.bench' : 'postfix-alone.bench',
    listeners: [{ port: smtpPort }],
    mainCf,
  });
  return { smtpPort, stop: () => postfix.stop() };
}

/**
 * The ldap: table's configuration. It holds the bind password, so it is readable by root and the
 * postfix group only: proxymap opens it after dropping root to the postfix user.
 */
async function writeRecipientTable(file: string, ldap: PostfixLdapSettings): Promise<void> {
  const url = new URL(ldap.url);
  const lines = [
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
  ];
  await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o640 });
  await run('chgrp', ['postfix', file]);
}
