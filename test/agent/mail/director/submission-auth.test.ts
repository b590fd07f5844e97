/**
 * Issue 10, findings 4 and 12, and the shared throttle, in a real director agent (SMTP with a
 * submission port, and the IMAP/POP3 proxy) beside a store agent, over the embedded directory:
 *
 * - guessing a password with SMTP AUTH is throttled per user across new connections (nodemailer,
 *   one attempt per connection), answered 454 4.7.0 even for the right password, and the same
 *   guard then refuses the user's IMAP login through the proxy;
 * - the helpdesk sees the lockout (`auth.lockouts`), a domain admin only their domains' users, and
 *   `auth.unlock` (audited) lets the user in again;
 * - a user locked after 10 failures raises the node's `login_lockouts` counter;
 * - a disabled account cannot authenticate (Python's smtplib: 525 5.7.13) nor send;
 * - an authenticated user may send only as their own addresses (553 5.7.1 otherwise).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RpcConnection } from '../../../../agent/common/rpc/connect-rpc.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type DirectorAgents, startDirectorAgents } from './director-agents.js';

const run = promisify(execFile);
const { alice, carol, dave, eve, bob } = storeUsers;

/** The agents' clock, moved by the test to let throttle delays pass without waiting. */
let offset = 0;
const clock = { now: () => Date.now() + offset };
let agents: DirectorAgents;
let helpdesk: RpcConnection;
let submissionPort = 0;
let imapPort = 0;

beforeAll(async () => {
  agents = await startDirectorAgents(
    {
      director: {
        host: '127.0.0.1',
        smtpPort: 0,
        submissionPort: 0,
        allowPlaintextAuth: true,
        outboundDelivery: false,
      },
      proxy: { host: '127.0.0.1', imapPort: 0, pop3Port: 0, failedLoginDelayMs: 0 },
    },
    clock,
  );
  const entry = await agents.directory.reader('director01').getServer('director01');
  submissionPort = Number(entry?.endpoints.submission?.split(':').pop());
  imapPort = Number(entry?.endpoints.imap?.split(':').pop());
  helpdesk = await agents.connect('director01');
}, 60_000);

afterAll(async () => {
  await agents?.stop();
});

/** One nodemailer connection that logs in as `user` and sends from `from` to dave. */
async function submit(user: string, pass: string, from = user, localAddress = '127.0.0.1') {
  const transport = createTransport({
    host: '127.0.0.1',
    port: submissionPort,
    ignoreTLS: true,
    auth: { user, pass },
    localAddress,
  } as Parameters<typeof createTransport>[0]);
  try {
    return await transport.sendMail({
      envelope: { from, to: [dave.mail] },
      raw: `From: ${from}\r\nSubject: submitted\r\n\r\nhello\r\n`,
    });
  } finally {
    transport.close();
  }
}

/** The SMTP reply a failed submission got. */
async function refusal(attempt: Promise<unknown>): Promise<string> {
  const error = (await attempt.then(
    () => ({ response: 'accepted' }),
    (e: unknown) => e,
  )) as { response?: string };
  return String(error.response);
}

async function imapLogin(user: string, pass: string): Promise<string> {
  const client = new ImapFlow({
    host: '127.0.0.1',
    port: imapPort,
    secure: false,
    auth: { user, pass },
    logger: false,
  });
  try {
    await client.connect();
    await client.logout();
    return 'OK';
  } catch (error) {
    return String((error as { responseText?: string }).responseText ?? error);
  }
}

describe('SMTP AUTH on the director', () => {
  it('throttles guessing across new connections, also for the right password, and through the IMAP proxy', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await refusal(submit(carol.mail, `guess-${i}`, carol.mail, '127.0.30.1'))).toMatch(
        /^535 5\.7\.8 authentication failed/,
      );
    }
    // The fourth guess is a failure too; from then on every attempt waits, whoever makes it.
    expect(await refusal(submit(carol.mail, 'guess-3', carol.mail, '127.0.30.1'))).toMatch(/^535 5\.7\.8/);
    expect(await refusal(submit(carol.mail, carol.password, carol.mail, '127.0.30.2'))).toMatch(
      /^454 4\.7\.0 too many failed logins: try again in \d+ s/,
    );
    // One guard for every password check of the node: the proxy refuses carol too.
    expect(await imapLogin(carol.mail, carol.password)).toMatch(/too many failed logins/);

    const { lockouts } = await helpdesk.client.call('auth.lockouts', {});
    const carolLockout = lockouts.find((l) => l.kind === 'user' && l.name === carol.mail);
    expect(carolLockout).toMatchObject({ failures: 4, locked: false });
    expect(carolLockout?.until).toBeGreaterThan(clock.now());
    // The address has had 4 failures: within its 10 free ones (a campus NAT), so not listed.
    expect(lockouts.some((l) => l.kind === 'address')).toBe(false);

    // A domain admin of alpha.example sees carol, not the client address; and may unlock her.
    const alpha = await agents.connect('director01', 'alpha');
    const seen = await alpha.client.call('auth.lockouts', {});
    expect(seen.lockouts.map((l) => `${l.kind}:${l.name}`)).toEqual([`user:${carol.mail}`]);
    await expect(alpha.client.call('auth.unlock', { target: { address: '127.0.30.1' } })).rejects.toThrow(
      /may unlock only mail users of their domains, not client addresses/,
    );
    expect(await alpha.client.call('auth.unlock', { target: { user: carol.mail } })).toEqual({
      unlocked: true,
    });
    const audit = await helpdesk.client.call('audit.tail', { limit: 5 });
    expect(audit.entries.at(-1)).toMatchObject({
      method: 'auth.unlock',
      outcome: 'ok',
      caller: { id: 'alpha' },
    });
    // Unlocked: the right password works at once, and carol sends as herself.
    expect((await submit(carol.mail, carol.password, carol.mail, '127.0.30.3')).accepted).toEqual([
      dave.mail,
    ]);
  });

  it('locks a user after 10 failures and counts it in login_lockouts', async () => {
    const before = (await helpdesk.client.call('node.metrics', {})).counters.login_lockouts;
    expect(before).toBe(0);
    for (let i = 0; i < 10; i++) {
      expect(await refusal(submit(bob.mail, `guess-${i}`, bob.mail, '127.0.31.1'))).toMatch(/^535 5\.7\.8/);
      offset += 61_000; // past any delay of the curve, within the 15 min window after 10 of them
    }
    const { lockouts } = await helpdesk.client.call('auth.lockouts', {});
    expect(lockouts[0]).toMatchObject({ kind: 'user', name: bob.mail, failures: 10, locked: true });
    await expect
      .poll(async () => (await helpdesk.client.call('node.metrics', {})).counters.login_lockouts, {
        timeout: 5_000,
      })
      .toBe(1);
    expect(await refusal(submit(bob.mail, bob.password, bob.mail, '127.0.31.2'))).toMatch(/^454 4\.7\.0/);
    expect(await helpdesk.client.call('auth.unlock', { target: { user: bob.mail } })).toEqual({
      unlocked: true,
    });
  });

  it('refuses a disabled account (Python smtplib), even with the right password', async () => {
    const script = [
      'import smtplib, sys',
      `s = smtplib.SMTP('127.0.0.1', ${submissionPort})`,
      'try:',
      `    s.login('${eve.mail}', '${eve.password}')`,
      "    print('authenticated')",
      'except smtplib.SMTPAuthenticationError as e:',
      '    print(e.smtp_code, e.smtp_error.decode())',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script]);
    expect(stdout.trim()).toBe(`525 5.7.13 the mailbox ${eve.mail} is disabled`);
  });

  it('accepts only the login own addresses as envelope sender', async () => {
    expect(await refusal(submit(dave.mail, dave.password, carol.mail))).toMatch(
      new RegExp(`^553 5\\.7\\.1 <${carol.mail}>: sender address rejected: not owned by user ${dave.mail}`),
    );
    expect(await refusal(submit(dave.mail, dave.password, 'president@outside.example'))).toMatch(
      /^553 5\.7\.1/,
    );
    expect((await submit(dave.mail, dave.password)).accepted).toEqual([dave.mail]);
    // An extra address (mailLocalAddress) is the user's own; so is the null sender.
    expect((await submit(alice.mail, alice.password, alice.extra)).accepted).toEqual([dave.mail]);
    expect((await submit(alice.mail, alice.password, '')).accepted).toEqual([dave.mail]);
  });
});
