/**
 * The gateway role with content scanning, in a real Agent: Debian's rspamd in the foreground, the
 * domains' `mailfleetSpamPolicy` read from the embedded directory, nodemailer from outside 127.x
 * addresses, and an smtp-server as the next hop (the director's place). GTUBE is rejected for a
 * domain with the default policy, tagged for a domain whose policy says tag, and rejected for a
 * domain whose policy does not parse (the default applies, and the agent logs why).
 */
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailDomainEntry, mailUserEntry } from '../../../agent/common/directory/seed-entries.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { Agent } from '../../../agent/daemon/agent.js';
import { parseAgentConfig } from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { startTestRspamd, type TestRspamd } from '../../support/rspamd.js';

const gtube = 'XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X';
const hdKey = newKeyPair('hd');
const delayMs = 200;
const users = { plain: 'ann@alpha.example', tagging: 'tom@tagged.example', broken: 'bea@broken.example' };

let directory: AgentTestDirectory;
let rspamd: TestRspamd;
let gateway: Agent;
let sink: SMTPServer;
const relayed: string[] = [];
const logLines: string[] = [];

beforeAll(async () => {
  [directory, rspamd] = await Promise.all([
    AgentTestDirectory.start({
      servers: [{ name: 'gateway01', role: 'gateway' }],
      admins: [{ uid: 'hd', displayName: 'Help Desk', tier: 'helpdesk', sshPublicKeys: [hdKey.public] }],
      extraEntries: (tree) => [
        mailDomainEntry(tree, { name: 'alpha.example' }),
        mailDomainEntry(tree, { name: 'tagged.example', spamPolicy: 'mode=tag; prefix=[SPAM?] ' }),
        mailDomainEntry(tree, { name: 'broken.example', spamPolicy: 'mode=drop' }),
        ...Object.values(users).map((mail) =>
          mailUserEntry(tree, { mail, displayName: mail, mailHost: 'store01', password: 'pw' }),
        ),
      ],
    }),
    startTestRspamd(),
  ]);
  sink = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        relayed.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const sinkPort = (sink.server.address() as { port: number }).port;
  gateway = new Agent(
    parseAgentConfig(
      await directory.agentConfig('gateway01', {
        gateway: {
          host: '127.0.0.1',
          smtpPort: 0,
          nextHop: { host: '127.0.0.1', port: sinkPort },
          rspamdUrl: rspamd.url,
          scanTimeoutMs: 20_000,
          greylist: { minDelayMs: delayMs, whitelistAfterPasses: 0 },
        },
      }),
    ),
    productionDependencies({ clock: { now: () => Date.now() }, logSink: (line) => logLines.push(line) }),
  );
  await gateway.start();
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
  await Promise.all([directory?.stop(), rspamd?.stop()]);
});

/** GTUBE from `localAddress` to `to`, retried once after greylisting; the last SMTP answer. */
async function sendGtube(localAddress: string, to: string): Promise<string> {
  const endpoint = (await directory.reader('gateway01').getServer('gateway01'))?.endpoints.smtp ?? '';
  const [host, port] = endpoint.split(':');
  const attempt = async () => {
    const transport = createTransport({ host, port: Number(port), ignoreTLS: true, localAddress });
    try {
      const info = await transport.sendMail({
        envelope: { from: 'spammer@outside.example', to: [to] },
        raw: `From: spammer@outside.example\r\nTo: ${to}\r\nSubject: Offer\r\nMessage-ID: <${localAddress}@outside.example>\r\n\r\n${gtube}\r\n`,
      });
      return info.response;
    } catch (error) {
      return String((error as { response?: string }).response);
    } finally {
      transport.close();
    }
  };
  const first = await attempt();
  if (!first.startsWith('451 4.7.1')) return first;
  await new Promise((resolve) => setTimeout(resolve, delayMs + 100));
  return attempt();
}

describe('gateway role with rspamd and the domains policies from the directory', () => {
  it('says which scanner it uses', async () => {
    const entry = await directory.reader('gateway01').getServer('gateway01');
    const rpc = await connectRpc({
      host: '127.0.0.1',
      port: gateway.endpoints().controlPort,
      username: 'hd',
      privateKey: hdKey.private,
      pinnedHostKeys: entry?.hostKeys ?? [],
    });
    try {
      expect(await rpc.client.call('gateway.status', {})).toMatchObject({
        contentScanning: { configured: true, text: `content scanning: rspamd at ${rspamd.url}` },
      });
    } finally {
      rpc.close();
    }
  });

  it('rejects GTUBE under the default policy, tags it where the domain says tag', async () => {
    expect(await sendGtube('127.0.5.1', users.plain)).toMatch(/^550 5\.7\.1 message rejected as spam/);
    expect(relayed).toHaveLength(0);
    expect(await sendGtube('127.0.5.2', users.tagging)).toMatch(/^250 /);
    expect(relayed).toHaveLength(1);
    expect(relayed[0]).toMatch(/^X-Spam-Flag: YES\r\n/);
    expect(relayed[0]).toContain('\r\nSubject: [SPAM?] Offer\r\n');
  });

  it('applies the default to a domain whose policy does not parse, and logs why', async () => {
    expect(await sendGtube('127.0.5.3', users.broken)).toMatch(/^550 5\.7\.1 message rejected as spam/);
    const complaints = logLines.filter((line) => line.includes('a domain spam policy cannot be used'));
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toContain('broken.example');
  });
});
