/**
 * Issue 10, finding 11: a store's LMTP takes mail only from the directors. A store agent with the
 * embedded directory naming director01 at 127.0.0.2: nodemailer's LMTP client delivers from there
 * (and from the store's own address), and is refused at connect with 554 5.7.1 from an outside
 * address (127.0.0.5) and from another store (127.0.0.3); nothing reaches the mailbox. A director
 * whose entry moves to a new address is let in from there without restarting the store.
 */
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory } from '../../../support/agent-test-directory.js';
import { inboxSubjects } from '../../../support/inbox-subjects.js';
import { storeSeedEntries, storeUsers } from '../../../support/store-seed.js';

const { alice } = storeUsers;
let directory: AgentTestDirectory;
let agent: Agent;
let lmtpPort = 0;
let imapPort = 0;
/** Added to the agent's clock, to let its cached list of directors age without waiting. */
let clockOffset = 0;

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store', address: '127.0.0.1' },
      { name: 'store02', role: 'store', address: '127.0.0.3' },
      { name: 'director01', role: 'director', address: '127.0.0.2' },
      { name: 'director02', role: 'director', address: '127.0.0.9' },
    ],
    admins: [],
    extraEntries: storeSeedEntries,
  });
  const config = await directory.agentConfig('store01', {
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
  });
  agent = new Agent(
    parseAgentConfig(config),
    productionDependencies({ clock: { now: () => Date.now() + clockOffset }, logSink: () => undefined }),
  );
  await agent.start();
  const entry = await directory.reader('store01').getServer('store01');
  lmtpPort = Number(entry?.endpoints.lmtp?.split(':').pop());
  imapPort = Number(entry?.endpoints.imap?.split(':').pop());
});

afterAll(async () => {
  await agent?.stop();
  await directory?.stop();
});

/** Delivers one message to alice over LMTP from `localAddress`. */
async function deliverFrom(localAddress: string, subject: string) {
  const transport = createTransport({
    host: '127.0.0.1',
    port: lmtpPort,
    lmtp: true,
    ignoreTLS: true,
    localAddress,
  } as Parameters<typeof createTransport>[0]);
  try {
    return await transport.sendMail({
      envelope: { from: 'someone@outside.example', to: [alice.mail] },
      raw: `Subject: ${subject}\r\n\r\nhello\r\n`,
    });
  } finally {
    transport.close();
  }
}

describe('LMTP clients of a store', () => {
  it('takes mail from the director and from the store itself', async () => {
    expect((await deliverFrom('127.0.0.2', 'from director01')).accepted).toEqual([alice.mail]);
    expect((await deliverFrom('127.0.0.1', 'from the store itself')).accepted).toEqual([alice.mail]);
  });

  it('refuses an outside address at connect with 554 5.7.1, and another store too', async () => {
    await expect(deliverFrom('127.0.0.5', 'straight into the mailbox')).rejects.toThrow(
      /554 5\.7\.1 127\.0\.0\.5: LMTP delivery is accepted from the directors only/,
    );
    await expect(deliverFrom('127.0.0.3', 'from store02')).rejects.toThrow(/554 5\.7\.1/);
    expect(await inboxSubjects(imapPort, alice.mail, alice.password)).toEqual([
      'from director01',
      'from the store itself',
    ]);
  });

  it('lets a director in from its new address once its entry says so', async () => {
    await expect(deliverFrom('127.0.0.4', 'too early')).rejects.toThrow(/554 5\.7\.1/);
    const writer = directory.reader('director02');
    await writer.updateServer('director02', { address: '127.0.0.4' });
    await writer.close();
    // Past the pause between reads that unknown clients may cause.
    clockOffset += 6_000;
    expect((await deliverFrom('127.0.0.4', 'from director02')).accepted).toEqual([alice.mail]);
  });
});
