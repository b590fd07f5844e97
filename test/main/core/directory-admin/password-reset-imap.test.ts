/**
 * A password reset end to end: reset through DirectoryAdmin (bound as a helpdesk admin), then the
 * user logs in over IMAP with imapflow against a real store agent with the new password, and the
 * old one is refused. Also what the store's login cache (60 s for successful logins) does: an old
 * password used just before the reset keeps working on that store until the cache entry expires or
 * the new password is used there.
 */
import { readFile } from 'node:fs/promises';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { Agent } from '../../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import { DirectoryAdmin } from '../../../../main/core/directory-admin/directory-admin.js';
import { AgentTestDirectory } from '../../../support/agent-test-directory.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';
import { succeeded } from './admin-results.js';

const helpdeskPassword = 'helpdesk-secret';
let directory: AgentTestDirectory;
let certificates: TestCertificates;
let agent: Agent;
let admin: DirectoryAdmin;
let imapPort = 0;
/** Added to the agent's clock, to age the login cache without waiting a minute. */
let clockOffset = 0;
const logLines: string[] = [];

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [{ name: 'store01', role: 'store' }],
    admins: [{ uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', password: helpdeskPassword }],
    extraEntries: storeSeedEntries,
  });
  certificates = await makeTestCertificates('store01');
  const config = await directory.agentConfig('store01', {
    tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
  });
  agent = new Agent(
    parseAgentConfig(config),
    productionDependencies({
      clock: { now: () => Date.now() + clockOffset },
      logSink: (line) => logLines.push(line),
    }),
  );
  await agent.start();
  const entry = await directory.reader('store01').getServer('store01');
  imapPort = Number(entry?.endpoints.imap?.split(':').pop());
  const tree = new FleetTree(directory.baseDn);
  admin = new DirectoryAdmin({
    directory: LdapFleetDirectory.withPassword({
      url: directory.url,
      baseDn: directory.baseDn,
      bindDn: tree.admin('hd'),
      bindPassword: helpdeskPassword,
    }),
  });
});

afterAll(async () => {
  await admin?.close();
  await agent?.stop();
  await directory?.stop();
  await certificates?.remove();
});

/** Logs in over IMAP (STARTTLS) and out again: true if the store accepted the password. */
async function imapLogin(user: string, password: string): Promise<boolean> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: imapPort,
    secure: false,
    doSTARTTLS: true,
    tls: { ca: [await readFile(certificates.caFile, 'utf8')], servername: 'localhost' },
    auth: { user, pass: password },
    logger: false,
  });
  try {
    await client.connect();
  } catch (error) {
    if ((error as { authenticationFailed?: boolean }).authenticationFailed) return false;
    throw error;
  }
  await client.status('INBOX', { messages: true });
  await client.logout();
  return true;
}

describe('password reset through DirectoryAdmin, seen by a store over IMAP', () => {
  it('lets the user in with the new password and refuses the old one', async () => {
    const { dave } = storeUsers;
    const newPassword = 'Dave-New-Password-1';
    succeeded('resetPassword', await admin.resetPassword({ address: dave.mail, newPassword }));
    expect(await imapLogin(dave.mail, dave.password)).toBe(false);
    expect(await imapLogin(dave.mail, newPassword)).toBe(true);
    expect(logLines.join('\n')).not.toContain(newPassword);
  });

  it('keeps a just-used old password working on that store until the new one is used there', async () => {
    const { carol } = storeUsers;
    const newPassword = 'Carol-New-Password-1';
    expect(await imapLogin(carol.mail, carol.password)).toBe(true);
    succeeded('resetPassword', await admin.resetPassword({ address: carol.mail, newPassword }));
    // Cached for up to 60 s after the successful login: the store does not ask the directory.
    expect(await imapLogin(carol.mail, carol.password)).toBe(true);
    // A new password is never in the cache, so it is checked at once and replaces the entry.
    expect(await imapLogin(carol.mail, newPassword)).toBe(true);
    expect(await imapLogin(carol.mail, carol.password)).toBe(false);
  });

  it('refuses a just-used old password once the cache entry is older than 60 s', async () => {
    const { alice } = storeUsers;
    const newPassword = 'Alice-New-Password-1';
    expect(await imapLogin(alice.mail, alice.password)).toBe(true);
    succeeded('resetPassword', await admin.resetPassword({ address: alice.mail, newPassword }));
    clockOffset += 61_000;
    expect(await imapLogin(alice.mail, alice.password)).toBe(false);
    expect(await imapLogin(alice.mail, newPassword)).toBe(true);
  });
});
