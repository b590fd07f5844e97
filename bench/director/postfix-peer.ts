/**
 * The peer of the director bench: Debian's Postfix configured as the same relay as our director.
 * It takes SMTP on a free loopback port from 127.0.0.0/8, checks each recipient at RCPT against the
 * same directory through an `ldap:` table (postfix-ldap), queues durably (Postfix's cleanup fsyncs
 * before 250) and relays every accepted message by `lmtp:inet:127.0.0.1:SINK` to the same sink.
 * Postfix runs in the foreground through the interop tests' launcher
 * (test/support/foreground-postfix.ts), with these relay lines added to its main.cf basics;
 * Postfix's own defaults are kept where the setup does not need a change (20 deliveries per
 * destination, like the director's default concurrency; its retry timers).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findFreePorts } from '../../main/lab/free-ports.js';
import { startForegroundPostfix } from '../../test/support/foreground-postfix.js';
import { ensureSystemRequirements } from '../../test/support/system-packages.js';

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
  await mkdir(dir, { recursive: true });
  const [smtpPort] = (await findFreePorts(1)) as [number];
  const url = new URL(ldap.url);
  const recipients = join(dir, 'ldap-recipients.cf');
  const postfix = await startForegroundPostfix({
    dir,
    hostName: 'postfix-peer.bench',
    listeners: [{ port: smtpPort }],
    files: {
      // Holds the bind password: not for other users.
      'ldap-recipients.cf': {
        text: [
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
        mode: 0o640,
      },
    },
    mainCf: {
      local_recipient_maps: '',
      relay_domains: domain,
      relay_recipient_maps: `ldap:${recipients}`,
      relay_transport: `lmtp:inet:127.0.0.1:${sinkPort}`,
      // No DNS on this machine: numeric LMTP next hop (ours does no lookups either).
      lmtp_host_lookup: 'native',
      smtp_host_lookup: 'native',
    },
  });
  return { smtpPort, stop: () => postfix.stop() };
}
