/**
 * One real store agent for the authorization tests (the tier x method matrix, delegated scope,
 * peers): the embedded directory with the store seed, one admin of each tier, a domain admin of
 * alpha.example, a peer's host key, and a beta.example user (frank) who also holds an address in
 * alpha.example. Mail is delivered over LMTP to alpha and beta users so that listings have someone
 * from each department to show or hide, and beta's dave keeps a POP3 session open. store02 runs
 * for a moment as a real agent (with the peer key as its host key) so that store01 holds two
 * finished move jobs, one of each department (gina of alpha, bob of beta, moved to store01).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair, type TestKeyPair } from '../../support/agent-test-directory.js';
import { LineClient } from '../../support/line-client.js';
import { storeSeedEntries, storeUsers } from '../../support/store-seed.js';

/** gina (alpha.example) starts on store02 and is moved to store01 by the fixture. */
export const gina = { mail: 'gina@alpha.example', password: 'gina-pw' };

/** frank works in beta.example; an alias of his sits in alpha.example. */
export const frank = { mail: 'frank@beta.example', alias: 'frank.sato@alpha.example', password: 'frank-pw' };

/** The callers, by the uid (or node name) they log in as. */
export const callerKeys = {
  sys: newKeyPair('sys'),
  hd: newKeyPair('hd'),
  'alpha-admin': newKeyPair('alpha-admin'),
  viewer: newKeyPair('viewer'),
  store02: newKeyPair('store02'),
} satisfies Record<string, TestKeyPair>;
/** Admins without a key, who sign in with their directory password (docs/delegation.md). */
export const callerPasswords = {
  'hd-pw': 'Help-Desk-Passw0rd',
  'alpha-pw': 'Alpha-Admin-Passw0rd',
};
export type CallerName = keyof typeof callerKeys | keyof typeof callerPasswords;

/** The running store and how to reach it. */
export interface AccessFixture {
  agent: Agent;
  directory: AgentTestDirectory;
  connect(name: CallerName | 'stranger', privateKey?: string): Promise<RpcConnection>;
  /** Move jobs on store01 of a user inside alpha.example and of one outside it. */
  jobs: { inside: string; outside: string };
  stop(): Promise<void>;
}

/** Starts the directory and store01 with mail services, delivers mail, opens dave's POP3 session. */
export async function startAccessFixture(): Promise<AccessFixture> {
  const directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store', hostKeys: [callerKeys.store02.public] },
    ],
    admins: [
      { uid: 'sys', displayName: 'System', tier: 'system', sshPublicKeys: [callerKeys.sys.public] },
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [callerKeys.hd.public] },
      {
        uid: 'alpha-admin',
        displayName: 'Alpha Admin',
        tier: 'domain',
        domains: ['alpha.example'],
        sshPublicKeys: [callerKeys['alpha-admin'].public],
      },
      { uid: 'viewer', displayName: 'Viewer', tier: 'user', sshPublicKeys: [callerKeys.viewer.public] },
      { uid: 'hd-pw', displayName: 'Help Desk Clerk', tier: 'helpdesk', password: callerPasswords['hd-pw'] },
      {
        uid: 'alpha-pw',
        displayName: 'Alpha Clerk',
        tier: 'domain',
        domains: ['alpha.example'],
        password: callerPasswords['alpha-pw'],
      },
    ],
    extraEntries: (tree) => [
      ...storeSeedEntries(tree),
      mailUserEntry(tree, {
        mail: frank.mail,
        displayName: 'Frank Sato',
        mailHost: 'store01',
        mailLocalAddress: [frank.alias],
        password: frank.password,
      }),
      mailUserEntry(tree, {
        mail: gina.mail,
        displayName: 'Gina Ota',
        mailHost: 'store02',
        password: gina.password,
      }),
    ],
  });
  const config = await directory.agentConfig('store01', {
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
    log: { level: 'warn' },
  });
  const agent = new Agent(parseAgentConfig(config), productionDependencies({ logSink: () => {} }));
  await agent.start();
  const jobs = await finishedMoves(directory, agent);
  const entry = await directory.reader('store01').getServer('store01');
  const pinned = entry?.hostKeys ?? [];
  const port = (name: string) => Number(entry?.endpoints[name]?.split(':').pop());

  const transport = createTransport({ host: '127.0.0.1', port: port('lmtp'), lmtp: true, ignoreTLS: true });
  await transport.sendMail({
    envelope: {
      from: 'sender@example.org',
      to: [storeUsers.alice.mail, storeUsers.carol.mail, storeUsers.dave.mail, frank.mail],
    },
    raw: 'From: sender@example.org\r\nSubject: hello\r\n\r\nhello\r\n',
  });
  transport.close();
  const pop3 = await LineClient.connect(port('pop3'));
  await pop3.readLine();
  const plain = Buffer.from(`\0${storeUsers.dave.mail}\0${storeUsers.dave.password}`).toString('base64');
  const reply = await pop3.command(`AUTH PLAIN ${plain}`);
  if (!reply.startsWith('+OK')) throw new Error(`dave's POP3 login failed: ${reply}`);

  return {
    agent,
    directory,
    jobs,
    connect: (name, privateKey) =>
      connectRpc({
        host: '127.0.0.1',
        port: agent.endpoints().controlPort,
        username: name,
        ...(privateKey === undefined && name in callerPasswords
          ? { password: callerPasswords[name as keyof typeof callerPasswords] }
          : { privateKey: privateKey ?? callerKeys[name as keyof typeof callerKeys].private }),
        pinnedHostKeys: pinned,
        readyTimeoutMs: 20_000,
      }),
    stop: async () => {
      pop3.close();
      await agent.stop();
      await directory.stop();
    },
  };
}

/**
 * Moves gina (alpha) and bob (beta) from store02 to store01 with a real store02 agent, then stops
 * store02: the jobs stay on store01, done, and a rollback of them is refused (store02 is gone).
 */
async function finishedMoves(
  directory: AgentTestDirectory,
  store01: Agent,
): Promise<{ inside: string; outside: string }> {
  const config = await directory.agentConfig('store02', {
    mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
    log: { level: 'warn' },
  });
  const keyFile = join(config.dataDir, 'ssh_host_ed25519_key');
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  await writeFile(keyFile, callerKeys.store02.private, { mode: 0o600 });
  const store02 = new Agent(
    parseAgentConfig({ ...config, hostKeyFile: keyFile }),
    productionDependencies({ logSink: () => {} }),
  );
  await store02.start();
  const pinned = (await directory.reader('store01').getServer('store01'))?.hostKeys ?? [];
  const sys = await connectRpc({
    host: '127.0.0.1',
    port: store01.endpoints().controlPort,
    username: 'sys',
    privateKey: callerKeys.sys.private,
    pinnedHostKeys: pinned,
  });
  try {
    const started = await sys.client.call('move.start', {
      users: [gina.mail, storeUsers.bob.mail],
      to: 'store01',
    });
    const [inside, outside] = started.jobs.map((j) => j.job) as [string, string];
    for (const job of [inside, outside]) {
      for (;;) {
        const { job: state } = await sys.client.call('move.show', { job });
        if (state.phase === 'done') break;
        if (state.phase === 'failed' || state.phase === 'cancelled')
          throw new Error(`fixture move ${job}: ${state.result}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return { inside, outside };
  } finally {
    sys.close();
    await store02.stop();
  }
}
