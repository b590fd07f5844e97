/**
 * What the DKIM tests do as a department and as a receiver: make a domain's keys on the director's
 * disk, publish them (directory values and TXT records in the simulated DNS), and ask Debian
 * rspamd's DKIM module what it thinks of a message.
 */
import { join } from 'node:path';
import type { LdapFleetDirectory } from '../../../../../agent/common/directory/ldap-fleet-directory.js';
import { DkimKeyFiles } from '../../../../../agent/mail/director/dkim/dkim-key-files.js';
import {
  type DkimKeyValue,
  dkimTxtRecord,
  formatDkimKeyValue,
} from '../../../../../agent/mail/director/dkim/dkim-key-value.js';
import { DkimSigner } from '../../../../../agent/mail/director/dkim/dkim-signer.js';
import { RspamdClient } from '../../../../../agent/mail/gateway/rspamd-client.js';
import type { DnsResponder } from '../../../../../main/lab/simulated-internet/dns-responder.js';
import { makeTempDir, removeTempDir } from '../../store/maildir/maildir-test-support.js';
import { type DirectorFixture, type FixtureOutbound, startDirectorFixture } from '../director-fixture.js';

/** A new RSA 2048 and Ed25519 key of `domain` (pending), made at `at`. */
export async function freshDkimKeys(
  keyFiles: DkimKeyFiles,
  domain: string,
  at = new Date(),
): Promise<DkimKeyValue[]> {
  return [
    await keyFiles.create(domain, 'rsa-sha256', at),
    await keyFiles.create(domain, 'ed25519-sha256', at),
  ];
}

/** Writes the keys to the directory and every one's TXT record to DNS, as a department does. */
export async function publishDkimKeys(
  parts: { ldap: LdapFleetDirectory; dns: DnsResponder; signer: DkimSigner },
  domain: string,
  keys: readonly DkimKeyValue[],
): Promise<void> {
  await parts.ldap.setDomainDkimKeys(domain, keys.map(formatDkimKeyValue));
  for (const key of keys)
    parts.dns.setName(`${key.selector}._domainkey.${domain}`, { txt: [dkimTxtRecord(key)] });
  parts.signer.invalidate();
}

/** rspamd's DKIM symbols for a message (R_DKIM_ALLOW, R_DKIM_REJECT, DKIM_TRACE...). */
export async function rspamdDkimSymbols(
  rspamdUrl: string,
  message: Buffer,
  sender: string,
  recipient: string,
): Promise<string[]> {
  const verdict = await new RspamdClient({ url: rspamdUrl }).scan(message, {
    sender,
    recipients: [recipient],
    // Not loopback: rspamd skips DKIM and SPF for its local networks.
    clientAddress: '192.0.2.25',
    helo: 'director01.test',
  });
  return verdict.symbols
    .map((s) => s.name)
    .filter((name) => name.startsWith('R_DKIM') || name === 'DKIM_TRACE');
}

/** The selectors of a message's DKIM-Signature fields, sorted. */
export function signingSelectors(message: Buffer): string[] {
  return [...message.toString('latin1').matchAll(/[;\s]s=([a-z0-9-]+);/g)].map((m) => m[1] ?? '').sort();
}

/** A director fixture that DKIM-signs submissions, its keys on disk in a temporary directory. */
export interface SigningDirector {
  fx: DirectorFixture;
  keyFiles: DkimKeyFiles;
  signer: DkimSigner;
  /** Where the private keys are (`<keyDir>/dkim/<domain>/<selector>.pem`). */
  keyDir: string;
  stop(): Promise<void>;
}

/** Starts the director fixture with a signer, delivering remote mail by MX as `outbound` says. */
export async function startSigningDirector(
  outbound: FixtureOutbound,
  name: string,
): Promise<SigningDirector> {
  const keyDir = await makeTempDir(`${name}-`);
  const keyFiles = new DkimKeyFiles(join(keyDir, 'dkim'));
  let directory: LdapFleetDirectory | undefined;
  const signer = new DkimSigner({
    directory: { listDomains: () => (directory as LdapFleetDirectory).listDomains() },
    keyFiles,
    // The real clock: a signature's t= in the future is ignored by verifiers; tests drive the keys'
    // life (created, until) with their own times.
    clock: { now: () => Date.now() },
  });
  const fx = await startDirectorFixture({ signer }, { now: () => Date.now() }, outbound);
  directory = fx.ldap;
  return {
    fx,
    keyFiles,
    signer,
    keyDir,
    async stop() {
      await fx.stop();
      await removeTempDir(keyDir);
    },
  };
}
