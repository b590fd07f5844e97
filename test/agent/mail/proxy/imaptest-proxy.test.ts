/**
 * Dovecot's imaptest scripted suite through the director's IMAP proxy in front of a real store
 * agent: the same result as against the store itself (no failed group, no failed command).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImapProxy } from '../../../../agent/mail/proxy/imap-proxy.js';
import {
  buildImaptest,
  cleanSuite,
  cleanSuiteFigures,
  parseSuiteSummary,
  runImaptest,
} from '../../../support/imaptest.js';
import { storeUsers } from '../../../support/store-seed.js';
import { type ProxyTestFleet, startProxyTestFleet } from './proxy-test-fleet.js';

let fleet: ProxyTestFleet;
let proxy: ImapProxy;

beforeAll(async () => {
  const build = buildImaptest();
  fleet = await startProxyTestFleet();
  proxy = new ImapProxy(await fleet.proxyOptions());
  await proxy.start();
  await build;
}, 180_000);

afterAll(async () => {
  await proxy?.stop();
  await fleet?.stop();
});

describe('imaptest through the IMAP proxy', () => {
  it('passes the scripted suite: no failed group, no failed command, no protocol error', async () => {
    const { tests } = await buildImaptest();
    const target = {
      port: proxy.port as number,
      user: storeUsers.dave.mail,
      password: storeUsers.dave.password,
    };
    const run = await runImaptest(target, [`test=${tests}`], 180_000);
    expect(run.exitedByItself).toBe(true);
    const summary = parseSuiteSummary(run.output);
    expect(cleanSuiteFigures(summary)).toEqual(cleanSuite);
    expect(summary.groups).toBeGreaterThanOrEqual(71);
  }, 240_000);
});
