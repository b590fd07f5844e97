/**
 * The real parts the proxy tests run against: the embedded directory with the store seed, two store
 * agents (store01, store02) running the real mail stack on free loopback ports, a directory client
 * bound as the director, and a certificate for the proxy.
 */
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { createTransport } from 'nodemailer';
import type { LdapFleetDirectory } from '../../../../agent/common/directory/ldap-fleet-directory.js';
import { Agent } from '../../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../../agent/daemon/production-dependencies.js';
import { DirectorAuthenticator } from '../../../../agent/mail/director/director-authenticator.js';
import { loadMailTls } from '../../../../agent/mail/protocol/tls/mail-tls.js';
import type { MailProxyOptions } from '../../../../agent/mail/proxy/proxy-server.js';
import { StoreLocator } from '../../../../agent/mail/proxy/store-locator.js';
import { AgentTestDirectory } from '../../../support/agent-test-directory.js';
import { storeSeedEntries } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';

const clock = { now: () => Date.now() };

/** Two stores and a directory. */
export interface ProxyTestFleet {
  agents: Map<string, Agent>;
  reader: LdapFleetDirectory;
  /** PEM of the test CA that signed the stores' certificates. */
  ca: Buffer;
  /** Options for a proxy on free ports (plain and implicit TLS), no failed-login delay. */
  proxyOptions(): Promise<MailProxyOptions>;
  /** Delivers a message to `to` over the store node's LMTP. */
  deliver(node: string, to: string, subject: string): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the directory and the two store agents. */
export async function startProxyTestFleet(): Promise<ProxyTestFleet> {
  const directory = await AgentTestDirectory.start({
    servers: [
      { name: 'store01', role: 'store' },
      { name: 'store02', role: 'store' },
      { name: 'director01', role: 'director' },
    ],
    admins: [],
    extraEntries: storeSeedEntries,
  });
  const certificates: TestCertificates = await makeTestCertificates('director01');
  const agents = new Map<string, Agent>();
  for (const node of ['store01', 'store02']) {
    const config = await directory.agentConfig(node, {
      tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
      mail: { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 },
    });
    const agent = new Agent(
      parseAgentConfig(config),
      productionDependencies({ clock, logSink: () => undefined }),
    );
    await agent.start();
    agents.set(node, agent);
  }
  const reader = directory.reader('director01');
  return {
    agents,
    reader,
    ca: await readFile(certificates.caFile),
    async proxyOptions() {
      return {
        authenticator: new DirectorAuthenticator({ directory: reader, clock }),
        locator: new StoreLocator({ directory: reader, clock }),
        tls: await loadMailTls({ certFile: certificates.certFile, keyFile: certificates.keyFile }),
        host: '127.0.0.1',
        port: 0,
        tlsPort: 0,
        limits: { failedLoginDelayMs: 0 },
        clock,
      };
    },
    async deliver(node, to, subject) {
      const entry = await reader.getServer(node);
      const port = Number(entry?.endpoints.lmtp?.split(':').pop());
      const transport = createTransport({ host: '127.0.0.1', port, lmtp: true, ignoreTLS: true });
      await transport.sendMail({
        envelope: { from: 'sender@example.org', to: [to] },
        raw: `From: sender@example.org\r\nTo: ${to}\r\nSubject: ${subject}\r\n\r\nhello ${to}\r\n`,
      });
      transport.close();
    },
    async stop() {
      for (const agent of agents.values()) await agent.stop();
      await reader.close();
      await directory.stop();
      await certificates.remove();
    },
  };
}

/** A raw client: connect, read the greeting, send lines, read until a pattern matches. */
export class RawClient {
  private text = '';

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.text += chunk.toString('utf8');
    });
  }

  /** Connects and waits for the first line. */
  static async connect(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    const client = new RawClient(socket);
    await new Promise((resolve) => socket.once('connect', resolve));
    await client.until(/\r\n/);
    return client;
  }

  /** Sends text as it is. */
  send(text: string): void {
    this.socket.write(text);
  }

  /** Waits until everything received matches `pattern`; returns the match. */
  async until(pattern: RegExp): Promise<RegExpExecArray> {
    for (;;) {
      const match = pattern.exec(this.text);
      if (match) return match;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Everything received so far. */
  get received(): string {
    return this.text;
  }

  /** Resolves true once the server has closed the connection. */
  closed(): Promise<boolean> {
    if (this.socket.destroyed || this.socket.readableEnded) return Promise.resolve(true);
    return new Promise((resolve) => this.socket.once('close', () => resolve(true)));
  }

  close(): void {
    this.socket.destroy();
  }
}
