/**
 * A small fleet of real Agents for the inbound mail path: the embedded directory with the store
 * seed plus an alias, two stores (store01, store02), a director (SMTP routing, queue, IMAP/POP3
 * proxy; it trusts 127.0.0.1 only) and a gateway relaying to the director from 127.0.0.1. Outside
 * senders connect from other 127.x addresses, which the director does not trust.
 */
import { createTransport } from 'nodemailer';
import { FleetTree } from '../../../agent/common/directory/fleet-entries.js';
import { LdapFleetDirectory } from '../../../agent/common/directory/ldap-fleet-directory.js';
import { mailAliasEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc, type RpcConnection } from '../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair, type TestKeyPair } from '../../support/agent-test-directory.js';
import { storeSeedEntries, storeUsers } from '../../support/store-seed.js';

/** The alias that fans out to alice (store01) and bob (store02). */
export const teamAlias = 'team@alpha.example';
/** Greylisting's minimum delay in the fleet: short, so a test can wait it out. */
export const greylistDelayMs = 300;

/** Admins of the fleet: `sys` (system, also writes the directory), `hd` (helpdesk), `dom` (domain, beta.example). */
export const admins = { sys: newKeyPair('sys'), hd: newKeyPair('hd'), dom: newKeyPair('dom') } as const;
const sysPassword = 'sys-directory-pw';

/** Outcome of one SMTP submission. */
export type SmtpOutcome = { ok: true; response: string } | { ok: false; code: number; response: string };

/** The running fleet. */
export interface MailPathFleet {
  directory: AgentTestDirectory;
  /** Bound as the system admin: may change users. */
  writer: LdapFleetDirectory;
  agents: Record<'store01' | 'store02' | 'director01' | 'gateway01', Agent>;
  /** `host:port` endpoints published in the directory. */
  endpoints: Record<'gatewaySmtp' | 'directorSmtp' | 'imap' | 'pop3', { host: string; port: number }>;
  /** An RPC connection to a node as one of the admins (closed by stop()). */
  rpc(node: keyof MailPathFleet['agents'], admin?: keyof typeof admins): Promise<RpcConnection>;
  stop(): Promise<void>;
}

/** Sends one message over SMTP from `localAddress`; never throws for SMTP refusals. */
export async function sendMail(
  to: { host: string; port: number },
  localAddress: string,
  envelope: { from: string; to: string[] },
  subject: string,
): Promise<SmtpOutcome> {
  const transport = createTransport({ host: to.host, port: to.port, ignoreTLS: true, localAddress });
  try {
    const info = await transport.sendMail({
      envelope,
      raw: `From: ${envelope.from}\r\nTo: ${envelope.to.join(', ')}\r\nSubject: ${subject}\r\n\r\n${subject}\r\n`,
    });
    return { ok: true, response: info.response };
  } catch (error) {
    const e = error as { responseCode?: number; response?: string; message: string };
    return { ok: false, code: e.responseCode ?? 0, response: e.response ?? e.message };
  } finally {
    transport.close();
  }
}

/** Waits until `check` holds (the test's own timeout bounds it). */
export async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** Starts the directory and the four agents; `mailRoots` puts a store's mail on another file system. */
export async function startMailPathFleet(
  options: { mailRoots?: Partial<Record<'store01' | 'store02', string>> } = {},
): Promise<MailPathFleet> {
  const directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'director01', role: 'director' },
      { name: 'gateway01', role: 'gateway' },
    ],
    admins: [
      {
        uid: 'sys',
        displayName: 'System',
        tier: 'system',
        sshPublicKeys: [admins.sys.public],
        password: sysPassword,
      },
      { uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [admins.hd.public] },
      {
        uid: 'dom',
        displayName: 'Beta Admin',
        tier: 'domain',
        domains: ['beta.example'],
        sshPublicKeys: [admins.dom.public],
      },
    ],
    extraEntries: (tree) => [
      ...storeSeedEntries(tree),
      mailAliasEntry(tree, { mail: teamAlias, forwardTo: [storeUsers.alice.mail, storeUsers.bob.mail] }),
    ],
  });
  const dependencies = productionDependencies({ clock: { now: () => Date.now() }, logSink: () => {} });
  const started: Agent[] = [];
  const connections: RpcConnection[] = [];
  const start = async (node: string, overrides: Parameters<AgentTestDirectory['agentConfig']>[1]) => {
    const agent = new Agent(parseAgentConfig(await directory.agentConfig(node, overrides)), dependencies);
    await agent.start();
    started.push(agent);
    return agent;
  };
  const published = async (node: string, name: string) => {
    const value = (await directory.reader(node).getServer(node))?.endpoints[name] ?? '';
    const [host = '', port = '0'] = value.split(':');
    return { host, port: Number(port) };
  };
  try {
    const mail = { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 };
    const rootOf = (store: 'store01' | 'store02') =>
      options.mailRoots?.[store] ? { root: options.mailRoots[store] } : {};
    const store01 = await start('store01', { mail: { ...mail, ...rootOf('store01') } });
    const store02 = await start('store02', { mail: { ...mail, ...rootOf('store02') } });
    const director01 = await start('director01', {
      director: { host: '127.0.0.1', smtpPort: 0, trustedNetworks: ['127.0.0.1/32'] },
      proxy: { host: '127.0.0.1', imapPort: 0, pop3Port: 0, failedLoginDelayMs: 0 },
    });
    const directorSmtp = await published('director01', 'smtp');
    const gateway01 = await start('gateway01', {
      gateway: {
        host: '127.0.0.1',
        smtpPort: 0,
        nextHop: directorSmtp,
        greylist: { minDelayMs: greylistDelayMs, whitelistAfterPasses: 0 },
      },
    });
    const writer = LdapFleetDirectory.withPassword({
      url: directory.url,
      baseDn: directory.baseDn,
      bindDn: new FleetTree(directory.baseDn).admin('sys'),
      bindPassword: sysPassword,
    });
    const agents = { store01, store02, director01, gateway01 };
    return {
      directory,
      writer,
      agents,
      endpoints: {
        gatewaySmtp: await published('gateway01', 'smtp'),
        directorSmtp,
        imap: await published('director01', 'imap'),
        pop3: await published('director01', 'pop3'),
      },
      rpc: async (node, admin = 'sys') => {
        const entry = await directory.reader(node).getServer(node);
        const connection = await connectRpc({
          host: '127.0.0.1',
          port: agents[node].endpoints().controlPort,
          username: admin,
          privateKey: (admins[admin] as TestKeyPair).private,
          pinnedHostKeys: entry?.hostKeys ?? [],
        });
        connections.push(connection);
        return connection;
      },
      stop: async () => {
        for (const connection of connections) connection.close();
        await writer.close();
        for (const agent of started.reverse()) await agent.stop();
        await directory.stop();
      },
    };
  } catch (error) {
    for (const agent of started.reverse()) await agent.stop();
    await directory.stop();
    throw error;
  }
}
