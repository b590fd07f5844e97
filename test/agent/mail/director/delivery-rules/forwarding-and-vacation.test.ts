/**
 * The parts of the self-service delivery rules, each on its own: forwarding in the router's
 * expansion against the real embedded directory (copies, loops cut without losing mail), the
 * RFC 3834 decision for every rule, the once-per-sender record across a restart, and the checks
 * a settings change passes before anything is written.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetTree } from '../../../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../../../agent/common/directory/ldap-fleet-directory.js';
import { directoryBaseEntries, mailUserEntry } from '../../../../../agent/common/directory/seed-entries.js';
import {
  fromGeneralizedTime,
  selfServiceChange,
  selfServiceProblem,
  toGeneralizedTime,
  type UserVacation,
} from '../../../../../agent/common/directory/user-self-service.js';
import {
  VacationRecord,
  vacationReplyIntervalMs,
} from '../../../../../agent/mail/director/delivery-rules/vacation-record.js';
import {
  type ReceivedMail,
  vacationDecision,
  vacationReply,
} from '../../../../../agent/mail/director/delivery-rules/vacation-reply.js';
import { RecipientRouter } from '../../../../../agent/mail/director/inbound/recipient-router.js';
import { startEmbeddedDirectory } from '../../../../support/embedded-directory.js';
import { storeSeedEntries, storeUsers } from '../../../../support/store-seed.js';
import type { TestDirectory } from '../../../../support/test-directory.js';

const { alice, carol, dave } = storeUsers;
const noCopy = { keepCopy: false };

describe('forwarding in the expansion (embedded directory)', () => {
  let directory: TestDirectory;
  let ldap: LdapFleetDirectory;
  const router = () =>
    new RecipientRouter({
      directory: ldap,
      clock: { now: () => 0 },
      ttlMs: 0,
      negativeTtlMs: 0,
      outboundPort: 25,
    });

  beforeAll(async () => {
    const tree = new FleetTree('dc=mailfleet,dc=test');
    directory = await startEmbeddedDirectory(tree.baseDn, [
      ...directoryBaseEntries(tree),
      ...storeSeedEntries(tree),
      mailUserEntry(tree, {
        mail: 'frank@alpha.example',
        displayName: 'Frank',
        mailHost: 'store01',
        password: 'p',
      }),
    ]);
    ldap = LdapFleetDirectory.withPassword({
      url: directory.url,
      baseDn: tree.baseDn,
      bindDn: directory.rootDn,
      bindPassword: directory.rootPassword,
    });
  });
  afterAll(async () => {
    await ldap?.close();
    await directory?.stop();
  });

  it('forwards as a copy of its own, keeping one in the mailbox when asked', async () => {
    await ldap.setUserSelfService(carol.mail, { forwardTo: ['away@far.example'], keepCopy: true });
    expect(await router().expand(carol.mail)).toEqual({
      kind: 'targets',
      mailboxes: [carol.mail],
      remote: [],
      forwards: [{ owner: carol.mail, mailboxes: [], remote: ['away@far.example'] }],
    });
    await ldap.setUserSelfService(carol.mail, { forwardTo: ['away@far.example'], ...noCopy });
    const expansion = await router().expand(carol.mail);
    expect(expansion.kind === 'targets' && expansion.mailboxes).toEqual([]);
  });

  it('cuts a chain that comes back and stores the mail rather than lose it', async () => {
    // carol -> alice -> carol: carol's copy lands with alice, alice's own mail stays with alice.
    await ldap.setUserSelfService(carol.mail, { forwardTo: [alice.mail], ...noCopy });
    await ldap.setUserSelfService(alice.mail, { forwardTo: [carol.mail], ...noCopy });
    expect(await router().expand(carol.mail)).toEqual({
      kind: 'targets',
      mailboxes: [],
      remote: [],
      forwards: [{ owner: carol.mail, mailboxes: [alice.mail], remote: [] }],
    });
    // A user forwarding to its own other address: stored, nothing forwarded.
    await ldap.setUserSelfService(alice.mail, { forwardTo: ['a.smith@alpha.example'], ...noCopy });
    expect(await router().expand(alice.mail)).toEqual({
      kind: 'targets',
      mailboxes: [alice.mail],
      remote: [],
    });
  });

  it('follows a forward through a local user who forwards on, with a copy per forwarding user', async () => {
    await ldap.setUserSelfService(dave.mail, { forwardTo: ['frank@alpha.example'], ...noCopy });
    await ldap.setUserSelfService('frank@alpha.example', { forwardTo: ['frank@far.example'], ...noCopy });
    expect(await router().expand(dave.mail)).toEqual({
      kind: 'targets',
      mailboxes: [],
      remote: [],
      forwards: [{ owner: 'frank@alpha.example', mailboxes: [], remote: ['frank@far.example'] }],
    });
  });
});

describe('the vacation decision (RFC 3834)', () => {
  const now = Date.parse('2026-12-08T12:00:00Z');
  const vacation: UserVacation = {
    active: true,
    subject: '不在 / Away',
    body: 'Away.',
    startsAt: Date.parse('2026-12-07T00:00:00Z'),
    endsAt: Date.parse('2026-12-14T00:00:00Z'),
  };
  const addresses = [carol.mail, 'c.ito@alpha.example'];
  const mail = (headers: Record<string, string>, sender = 'someone@far.example'): ReceivedMail => ({
    sender,
    headers: Object.entries({ To: `Carol <${carol.mail}>`, ...headers }).map(([name, value]) => ({
      name,
      value,
    })),
  });
  const because = (received: ReceivedMail, at = now, v: UserVacation | undefined = vacation) => {
    const decision = vacationDecision(v, addresses, received, at);
    return decision.reply ? 'reply' : decision.because;
  };

  it('replies to a person who wrote to the user within the dates', () => {
    expect(because(mail({}))).toBe('reply');
    expect(because(mail({ To: 'x@far.example', Cc: 'C <c.ito@alpha.example>' }))).toBe('reply');
    expect(because(mail({ 'Auto-Submitted': 'no' }))).toBe('reply');
  });

  it.each([
    ['Precedence: bulk', mail({ Precedence: 'bulk' }), 'Precedence: bulk'],
    ['Precedence: junk', mail({ Precedence: 'junk' }), 'Precedence: junk'],
    ['Precedence: list', mail({ Precedence: 'list' }), 'Precedence: list'],
    ['List-Id', mail({ 'List-Id': '<news.far.example>' }), 'a mailing list (List-Id)'],
    [
      'List-Unsubscribe',
      mail({ 'List-Unsubscribe': '<mailto:u@far.example>' }),
      'a mailing list (List-Unsubscribe)',
    ],
    [
      'Auto-Submitted: auto-replied',
      mail({ 'Auto-Submitted': 'auto-replied' }),
      'Auto-Submitted: auto-replied',
    ],
    [
      'Auto-Submitted: auto-generated',
      mail({ 'Auto-Submitted': 'auto-generated' }),
      'Auto-Submitted: auto-generated',
    ],
    ['the null sender', mail({}, ''), 'the null sender (a bounce or notice)'],
    ['MAILER-DAEMON', mail({}, 'MAILER-DAEMON@far.example'), 'the sender is a mailer or list address'],
    ['owner-', mail({}, 'owner-news@far.example'), 'the sender is a mailer or list address'],
    ['Bcc (not in To or Cc)', mail({ To: 'x@far.example' }), "the user's address is not in To or Cc"],
  ])('sends none for %s', (_name, received, reason) => {
    expect(because(received)).toBe(reason);
  });

  it('sends none outside the dates or when off', () => {
    expect(because(mail({}), vacation.startsAt - 1)).toBe('outside the vacation dates');
    expect(because(mail({}), vacation.endsAt)).toBe('outside the vacation dates');
    expect(because(mail({}), now, { ...vacation, active: false })).toBe('no vacation reply is on');
  });

  it('builds the reply with Auto-Submitted, In-Reply-To and References', () => {
    const received = mail({ 'Message-ID': '<m2@far.example>', References: '<m1@far.example>' });
    const text = vacationReply({
      vacation,
      from: carol.mail,
      mail: received,
      host: 'director01',
      now,
    }).toString();
    expect(text).toContain('Auto-Submitted: auto-replied\r\n');
    expect(text).toContain('In-Reply-To: <m2@far.example>\r\n');
    expect(text).toContain('References: <m1@far.example> <m2@far.example>\r\n');
    expect(text).toContain(`From: ${carol.mail}\r\nTo: someone@far.example\r\n`);
    expect(text).toContain(`Subject: =?UTF-8?B?${Buffer.from('不在 / Away').toString('base64')}?=`);
  });

  it('folds a long Japanese subject into encoded words of at most 75 characters that read back whole', async () => {
    const subject = '長期不在のお知らせ'.repeat(12);
    const text = vacationReply({
      vacation: { ...vacation, subject },
      from: carol.mail,
      mail: mail({}),
      host: 'd',
      now,
    });
    const field = /\r\nSubject: ((?:.|\r\n )*)\r\n/.exec(text.toString())?.[1] ?? '';
    const words = field.split('\r\n ');
    expect(words.length).toBeGreaterThan(1);
    for (const word of words) expect(word.length).toBeLessThanOrEqual(75);
    expect((await simpleParser(text)).subject).toBe(subject);
  });
});

describe('the once-per-sender record', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'mailfleet-vacation-record-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('claims once per sender per 7 days, also after a restart, and once for two at the same time', async () => {
    const now = Date.parse('2026-12-08T12:00:00Z');
    const record = new VacationRecord(root);
    const both = await Promise.all([
      record.claim(carol.mail, 'a@far.example', now),
      record.claim(carol.mail, 'A@far.example', now),
    ]);
    expect(both.sort()).toEqual([false, true]);
    expect(await record.claim(carol.mail, 'b@far.example', now)).toBe(true);
    const restarted = new VacationRecord(root);
    expect(await restarted.claim(carol.mail, 'a@far.example', now + vacationReplyIntervalMs - 1)).toBe(false);
    expect(await restarted.claim(alice.mail, 'a@far.example', now)).toBe(true);
    expect(await restarted.claim(carol.mail, 'a@far.example', now + vacationReplyIntervalMs)).toBe(true);
  });
});

describe('a settings change, checked before it is written', () => {
  const valid = {
    forwardTo: ['Away@Far.Example'],
    keepCopy: false,
    vacation: { active: true, subject: 'Away', body: 'Away.', startsAt: 1_000_000, endsAt: 2_000_000 },
  };

  it('accepts a plain change and refuses each bad one in words', () => {
    const parsed = selfServiceChange.parse(valid);
    expect(parsed.forwardTo).toEqual(['Away@far.example']);
    expect(selfServiceProblem(carol.mail, parsed)).toBeUndefined();
    expect(selfServiceProblem(carol.mail, { ...parsed, forwardTo: ['CAROL@alpha.example'] })).toBe(
      `forwarding to ${carol.mail} itself would loop`,
    );
    expect(
      selfServiceProblem(carol.mail, {
        ...parsed,
        vacation: { ...valid.vacation, endsAt: valid.vacation.startsAt },
      }),
    ).toBe('the vacation must end after it starts');
    expect(selfServiceChange.safeParse({ ...valid, forwardTo: ['not an address'] }).success).toBe(false);
    expect(
      selfServiceChange.safeParse({ ...valid, forwardTo: ['x@y.example\r\nRCPT TO:<z@w.example>'] }).success,
    ).toBe(false);
    expect(
      selfServiceChange.safeParse({
        ...valid,
        vacation: { ...valid.vacation, subject: 'a\r\nBcc: x@y.example' },
      }).success,
    ).toBe(false);
    expect(selfServiceChange.safeParse({ ...valid, mailHost: 'store02' }).success).toBe(false);
  });

  it('writes dates as LDAP generalized time and reads them back', () => {
    const at = Date.parse('2026-12-07T09:30:00Z');
    expect(toGeneralizedTime(at)).toBe('20261207093000Z');
    expect(fromGeneralizedTime('20261207093000Z')).toBe(at);
    expect(fromGeneralizedTime('202612071830+0900')).toBe(at);
  });
});
