/**
 * Issue 4's first Must-hold end to end in real Agents (gateway, director, two stores, embedded
 * directory): SMTP from an outside 127.x address to the gateway is greylisted once, then lands in
 * the user's mailbox on the right store and is read through the director's IMAP proxy with
 * imapflow; an alias fans out; unknown users and relaying are refused at the gateway and the
 * director. (The operations on that path: mail-path-operations.test.ts; which role answers which
 * method group: role-method-groups.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeUsers } from '../../support/store-seed.js';
import { mailPathClients, outside, sender } from './mail-path-clients.js';
import { type MailPathFleet, sendMail, startMailPathFleet, teamAlias, until } from './mail-path-fleet.js';

const { alice, bob } = storeUsers;

let fleet: MailPathFleet;
const { viaGateway, subjectsViaProxy, inboxCount } = mailPathClients(() => fleet);

beforeAll(async () => {
  fleet = await startMailPathFleet();
}, 60_000);

afterAll(async () => {
  await fleet?.stop();
});

describe('inbound mail path: gateway -> director -> store, read through the proxy', () => {
  it('greylists the first attempt, then delivers to the user on the right store, readable through the IMAP proxy', async () => {
    const attempts = await viaGateway([bob.mail], 'hello bob');
    expect(attempts).toHaveLength(2);
    expect(attempts[0]).toMatchObject({ ok: false, code: 451 });
    expect(attempts[0]?.response).toMatch(/^451 4\.7\.1 Greylisted/);
    expect(attempts[1]).toMatchObject({ ok: true });
    await until(async () => (await inboxCount('store02', bob.mail)) === 1);
    expect(await subjectsViaProxy(bob.mail, bob.password)).toEqual(['hello bob']);
  });

  it('fans an alias out to each member on their own store', async () => {
    const attempts = await viaGateway([teamAlias], 'team news');
    expect(attempts.at(-1)).toMatchObject({ ok: true });
    await until(async () => (await subjectsViaProxy(alice.mail, alice.password)).includes('team news'));
    await until(async () => (await subjectsViaProxy(bob.mail, bob.password)).includes('team news'));
    expect(await inboxCount('store01', alice.mail)).toBe(1);
    expect(await inboxCount('store02', bob.mail)).toBe(2);
  });

  it('refuses an unknown user at RCPT with 550 5.1.1', async () => {
    const outcome = await sendMail(
      fleet.endpoints.gatewaySmtp,
      outside,
      { from: sender, to: ['nobody@alpha.example'] },
      'to nobody',
    );
    expect(outcome).toMatchObject({ ok: false, code: 550 });
    expect(outcome.response).toMatch(/5\.1\.1 no such user here/);
  });

  it('refuses relaying from outside at the gateway and at the director', async () => {
    const atGateway = await sendMail(
      fleet.endpoints.gatewaySmtp,
      outside,
      { from: sender, to: ['victim@elsewhere.example'] },
      'relay via gateway',
    );
    expect(atGateway).toMatchObject({ ok: false, code: 550 });
    expect(atGateway.response).toMatch(/5\.7\.1 relaying to victim@elsewhere\.example denied/);
    // 127.0.4.5 is not in the director's trusted networks (127.0.0.1/32 only, the gateway).
    const atDirector = await sendMail(
      fleet.endpoints.directorSmtp,
      outside,
      { from: sender, to: ['victim@elsewhere.example'] },
      'relay via director',
    );
    expect(atDirector).toMatchObject({ ok: false, code: 554 });
    expect(atDirector.response).toMatch(/5\.7\.1 relay access denied/);
  });
});
