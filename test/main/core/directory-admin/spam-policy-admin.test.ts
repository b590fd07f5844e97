/**
 * A department sets its domain's spam policy from the console (issue 15), on the embedded
 * directory and on real slapd: the department admin writes its own domain's policy and the
 * gateway's own reader (directorySpamPolicies) applies it; another department's domain, the
 * helpdesk and bad thresholds are refused in words, and nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { directorySpamPolicies } from '../../../../agent/mail/gateway/directory-spam-policies.js';
import { defaultDomainSpamPolicy } from '../../../../agent/mail/gateway/domain-spam-policy.js';
import { directoryBackends } from '../../../support/directory-backends.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { asServer, useAdminFixture } from './admin-fixture.js';
import { refused, succeeded } from './admin-results.js';

/** The policy the gateway applies now, read as the gateway reads it (as a server entry). */
async function gatewaySees(server: TestDirectory, domain: string) {
  const directory = asServer(server, 'store01');
  try {
    return await directorySpamPolicies({ directory, clock: { now: () => Date.now() }, cacheMs: 0 })(domain);
  } finally {
    await directory.close();
  }
}

describe.each(directoryBackends)('department spam policy on $name', (backend) => {
  const fixture = useAdminFixture(backend);

  it('the department admin sets tag or reject and the thresholds of its own domain; the gateway applies it', async () => {
    const { alphaAdmin, server } = fixture;
    expect(succeeded('spamPolicy', await alphaAdmin.spamPolicy({ domain: 'alpha.example' }))).toMatchObject({
      isDefault: true,
      mode: defaultDomainSpamPolicy.mode,
    });
    const tagged = succeeded(
      'setSpamPolicy',
      await alphaAdmin.setSpamPolicy({ domain: 'alpha.example', mode: 'tag', tagScore: 4.5 }),
    );
    expect(tagged).toMatchObject({ mode: 'tag', tagScore: 4.5, rejectScore: null, isDefault: false });
    expect(await gatewaySees(server, 'alpha.example')).toEqual({
      mode: 'tag',
      tagScore: 4.5,
      rejectScore: null,
      subjectPrefix: '[SPAM] ',
    });
    succeeded(
      'setSpamPolicy',
      await alphaAdmin.setSpamPolicy({
        domain: 'alpha.example',
        mode: 'reject',
        tagScore: 5,
        rejectScore: 12,
      }),
    );
    expect(await gatewaySees(server, 'alpha.example')).toMatchObject({
      mode: 'reject',
      tagScore: 5,
      rejectScore: 12,
    });
  });

  it('refuses another department, the helpdesk and bad thresholds in words, and changes nothing', async () => {
    const { alphaAdmin, helpdesk, server } = fixture;
    const before = await gatewaySees(server, 'beta.example');
    const foreign = refused(
      'setSpamPolicy',
      await alphaAdmin.setSpamPolicy({ domain: 'beta.example', mode: 'tag', tagScore: 1 }),
    );
    // The directory hides another department's domain from a domain admin: it is not found.
    expect(foreign.code).toBe('not-found');
    const staff = refused(
      'setSpamPolicy',
      await helpdesk.setSpamPolicy({ domain: 'beta.example', mode: 'tag', tagScore: 1 }),
    );
    expect(staff.code).toBe('not-allowed');
    expect(await gatewaySees(server, 'beta.example')).toEqual(before);

    const alphaBefore = await gatewaySees(server, 'alpha.example');
    const inverted = refused(
      'setSpamPolicy',
      await alphaAdmin.setSpamPolicy({
        domain: 'alpha.example',
        mode: 'reject',
        tagScore: 9,
        rejectScore: 3,
      }),
    );
    expect(inverted).toMatchObject({ code: 'invalid-input', field: 'rejectScore' });
    expect(inverted.detail).toMatch(/reject score must be above the tag score/);
    expect(
      refused(
        'setSpamPolicy',
        await alphaAdmin.setSpamPolicy({ domain: 'alpha.example', mode: 'off', tagScore: 1 }),
      ).field,
    ).toBe('mode');
    expect(await gatewaySees(server, 'alpha.example')).toEqual(alphaBefore);
  });
});
