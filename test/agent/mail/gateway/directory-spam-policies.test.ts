/**
 * Domain spam policies read from the directory (`mailfleetSpamPolicy` on the embedded directory,
 * which loads the shipped schema): a good value is parsed, a missing one gives the default, a bad
 * one gives the default and is reported once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBaseEntries, mailDomainEntry } from '../../../../agent/common/directory/seed-entries.js';
import { directorySpamPolicies } from '../../../../agent/mail/gateway/directory-spam-policies.js';
import { defaultDomainSpamPolicy } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { startEmbeddedDirectory } from '../../../support/embedded-directory.js';
import type { TestDirectory } from '../../../support/test-directory.js';

const baseDn = 'dc=policies,dc=test';
const tree = new FleetTree(baseDn);
let backend: TestDirectory;
let directory: LdapFleetDirectory;

beforeAll(async () => {
  backend = await startEmbeddedDirectory(baseDn, [
    ...directoryBaseEntries(tree),
    mailDomainEntry(tree, { name: 'tagging.example', spamPolicy: 'mode=tag; tag=4; prefix=[SPAM?] ' }),
    mailDomainEntry(tree, { name: 'plain.example' }),
    mailDomainEntry(tree, { name: 'broken.example', spamPolicy: 'mode=drop; tag=lots' }),
  ]);
  directory = LdapFleetDirectory.withPassword({
    url: backend.url,
    baseDn,
    bindDn: backend.rootDn,
    bindPassword: backend.rootPassword,
  });
});

afterAll(async () => {
  await directory?.close();
  await backend?.stop();
});

describe('directory spam policies', () => {
  it('parses a domain policy, defaults a missing one, and reports a bad one once while defaulting it', async () => {
    const reports: string[] = [];
    let now = 0;
    const policies = directorySpamPolicies({
      directory,
      clock: { now: () => now },
      cacheMs: 1000,
      onBadPolicy: (domain, value) => reports.push(`${domain}: ${value}`),
    });
    expect(await policies('Tagging.Example')).toEqual({
      mode: 'tag',
      tagScore: 4,
      rejectScore: null,
      subjectPrefix: '[SPAM?] ',
    });
    expect(await policies('plain.example')).toEqual(defaultDomainSpamPolicy);
    expect(await policies('broken.example')).toEqual(defaultDomainSpamPolicy);
    now = 5000; // past the cache: read again, but the same bad value is not reported again
    expect(await policies('broken.example')).toEqual(defaultDomainSpamPolicy);
    expect(reports).toEqual(['broken.example: mode=drop; tag=lots']);
  });
});
