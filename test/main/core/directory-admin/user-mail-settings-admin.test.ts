/**
 * A user's mail settings from the console (issue 15), on the embedded directory and on real slapd:
 * a department admin sets forwarding, a vacation reply and spam handling for its own domain's user
 * and the directory holds them as the director reads them; another department's user is refused
 * by the directory, in words; the helpdesk and system tiers may (docs/self-service.md); a loop,
 * a vacation ending before it starts and a bad address are refused in words, nothing changed.
 */
import { describe, expect, it } from 'vitest';
import { directoryBackends } from '../../../support/directory-backends.js';
import { seedNames, seedPasswords } from '../../../support/directory-seed.js';
import type { TestDirectory } from '../../../support/test-directory.js';
import { asServer, useAdminFixture } from './admin-fixture.js';
import { refused, succeeded } from './admin-results.js';

/** The user's settings as the director reads them (bound as the director's server entry). */
async function directorSees(server: TestDirectory, address: string) {
  const directory = asServer(server, 'director01');
  try {
    return (await directory.findUserByAddress(address))?.selfService;
  } finally {
    await directory.close();
  }
}

const day = 24 * 3600_000;
const startsAt = Date.UTC(2026, 11, 24, 0, 0, 0);
const vacation = {
  active: true,
  subject: '不在のお知らせ',
  body: '12月24日から1月5日まで不在です。',
  startsAt,
  endsAt: startsAt + 12 * day,
};

describe.each(directoryBackends)('user mail settings from the console on $name', (backend) => {
  const fixture = useAdminFixture(backend);

  it('a department admin sets forwarding, a vacation and spam handling for its own user; the director reads them', async () => {
    const { alphaAdmin, server } = fixture;
    const alice = seedNames.alice;
    expect(succeeded('userMailSettings', await alphaAdmin.userMailSettings({ address: alice }))).toEqual({
      address: alice,
      forwardTo: [],
      keepCopy: false,
      vacation: null,
      spam: null,
    });
    const written = succeeded(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({
        address: alice,
        forwardTo: ['alice.home@Example.NET'],
        keepCopy: true,
        vacation,
        spam: { mode: 'reject', rejectScore: 12 },
      }),
    );
    expect(written).toEqual({
      address: alice,
      forwardTo: ['alice.home@example.net'],
      keepCopy: true,
      vacation,
      spam: { mode: 'reject', rejectScore: 12 },
    });
    expect(await directorSees(server, alice)).toEqual({
      forwardTo: ['alice.home@example.net'],
      keepCopy: true,
      vacation,
      spam: { mode: 'reject', rejectScore: 12 },
    });
    expect(fixture.changes.at(-1)).toEqual({ call: 'setUserMailSettings', target: alice, ok: true });

    // Everything off again: the whole setting is written.
    succeeded(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({ address: alice, forwardTo: [], keepCopy: false }),
    );
    expect(await directorSees(server, alice)).toBeUndefined();
  });

  it("refuses another department's user by the directory, in words; the helpdesk and system tiers may", async () => {
    const { alphaAdmin, helpdesk, server } = fixture;
    const bob = seedNames.bob;
    const before = await directorSees(server, bob);
    const foreign = refused(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({ address: bob, forwardTo: ['x@example.net'], keepCopy: false }),
    );
    // The directory hides another department's users from a domain admin: not found, in words.
    expect(foreign.code).toBe('not-found');
    expect(refused('userMailSettings', await alphaAdmin.userMailSettings({ address: bob })).code).toBe(
      'not-found',
    );
    expect(await directorSees(server, bob)).toEqual(before);

    succeeded(
      'setUserMailSettings',
      await helpdesk.setUserMailSettings({
        address: bob,
        forwardTo: [],
        keepCopy: false,
        spam: { mode: 'junk' },
      }),
    );
    expect(await directorSees(server, bob)).toEqual({
      forwardTo: [],
      keepCopy: false,
      spam: { mode: 'junk' },
    });

    const system = fixture.as(seedNames.admins.system, seedPasswords.system);
    succeeded(
      'setUserMailSettings',
      await system.setUserMailSettings({ address: bob, forwardTo: ['bob@example.org'], keepCopy: false }),
    );
    expect((await directorSees(server, bob))?.forwardTo).toEqual(['bob@example.org']);

    // A viewer (user tier) may read users but not write their settings.
    const viewer = fixture.as(seedNames.admins.viewer, seedPasswords.viewer);
    const denied = refused(
      'setUserMailSettings',
      await viewer.setUserMailSettings({ address: bob, forwardTo: [], keepCopy: false }),
    );
    expect(denied.code).toBe('not-allowed');
    expect((await directorSees(server, bob))?.forwardTo).toEqual(['bob@example.org']);
  });

  it('refuses a loop, a vacation ending before it starts and a bad address in words; nothing changes', async () => {
    const { alphaAdmin, server } = fixture;
    const alice = seedNames.alice;
    succeeded(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({
        address: alice,
        forwardTo: ['keep@example.net'],
        keepCopy: true,
      }),
    );
    const before = await directorSees(server, alice);

    const loop = refused(
      'setUserMailSettings',
      // Through the user's further address, in other case.
      await alphaAdmin.setUserMailSettings({
        address: alice,
        forwardTo: [seedNames.aliceLocalAddress.toUpperCase().replace('@ALPHA.EXAMPLE', '@alpha.example')],
        keepCopy: false,
      }),
    );
    expect(loop).toMatchObject({ code: 'invalid-input', field: 'forwardTo' });
    expect(loop.message.ja).toMatch(/ループ/);
    expect(loop.message.en).toMatch(/loop/);

    const backwards = refused(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({
        address: alice,
        forwardTo: [],
        keepCopy: false,
        vacation: { ...vacation, endsAt: vacation.startsAt - day },
      }),
    );
    expect(backwards).toMatchObject({ code: 'invalid-input', field: 'vacation.endsAt' });
    expect(backwards.message.ja).toMatch(/終了日時/);

    const bad = refused(
      'setUserMailSettings',
      await alphaAdmin.setUserMailSettings({
        address: alice,
        forwardTo: ['not an address'],
        keepCopy: false,
      }),
    );
    expect(bad).toMatchObject({ code: 'invalid-input', field: 'forwardTo.0' });
    expect(bad.message.en).toMatch(/not a mail address/);
    expect(bad.message.ja).toMatch(/メールアドレス/);

    expect(
      refused(
        'setUserMailSettings',
        await alphaAdmin.setUserMailSettings({
          address: alice,
          forwardTo: [],
          keepCopy: false,
          mailHost: 'x',
        }),
      ).field,
    ).toBe('mailHost');
    expect(await directorSees(server, alice)).toEqual(before);
  });
});
