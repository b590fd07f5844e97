/**
 * Dovecot's imaptest against a real store agent (directory, LMTP, IMAP over Maildir): the scripted
 * compliance suite with no failed group or command, and stress mode (random commands from 10 and 50
 * clients on one mailbox for 30 s) with no protocol error, no stalled client, and imaptest ending
 * by itself. Groups that need a capability the store does not offer are skipped by imaptest itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildImaptest,
  cleanSuite,
  cleanSuiteFigures,
  type ImaptestTarget,
  parseStressSummary,
  parseSuiteSummary,
  runImaptest,
} from '../../../../support/imaptest.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { type ProxyTestFleet, startProxyTestFleet } from '../../proxy/proxy-test-fleet.js';

let fleet: ProxyTestFleet;
let target: ImaptestTarget;

beforeAll(async () => {
  const build = buildImaptest();
  fleet = await startProxyTestFleet();
  const endpoint = (await fleet.reader.getServer('store01'))?.endpoints.imap;
  // dave has no quota: stress mode keeps appending for 30 s.
  target = {
    port: Number(endpoint?.split(':').pop()),
    user: storeUsers.dave.mail,
    password: storeUsers.dave.password,
  };
  await build;
}, 180_000);

afterAll(async () => {
  await fleet?.stop();
});

async function stress(clients: number) {
  const { mbox } = await buildImaptest();
  // 30 s of load, then up to 30 s for the clients to log out; the outer limit only catches a hang.
  const run = await runImaptest(target, [`mbox=${mbox}`, `clients=${clients}`, 'secs=30'], 150_000);
  const summary = parseStressSummary(run.output);
  expect(run.exitedByItself).toBe(true);
  expect(summary.forcedStop).toBe(false);
  expect(summary.errors).toEqual([]);
  expect(summary.stalls).toEqual([]);
  // Every kind of command ran (the load reached the server, not only logins).
  for (const command of ['Sele', 'Fetc', 'Stor', 'Expu', 'Appe'])
    expect(summary.totals[command]).toBeGreaterThan(0);
}

describe('imaptest against a store', () => {
  it('passes the scripted suite: no failed group, no failed command, no protocol error', async () => {
    const { tests } = await buildImaptest();
    const run = await runImaptest(target, [`test=${tests}`], 180_000);
    expect(run.exitedByItself).toBe(true);
    const summary = parseSuiteSummary(run.output);
    expect(cleanSuiteFigures(summary)).toEqual(cleanSuite);
    expect(summary.groups).toBeGreaterThanOrEqual(71);
    expect(summary.baseTotal).toBeGreaterThanOrEqual(457);
  }, 240_000);

  it('stress mode with 10 clients for 30 s: no error, no stall, ends by itself', () => stress(10), 200_000);

  it('stress mode with 50 clients for 30 s: no error, no stall, ends by itself', () => stress(50), 200_000);
});
