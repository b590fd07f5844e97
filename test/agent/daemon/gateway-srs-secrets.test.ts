/**
 * The gateway's copy of the director's SRS secrets, carried over the agents' SSH (docs/gateway.md):
 * real agents (a director with SRS, a gateway) on the embedded directory, nodemailer from outside,
 * an smtp-server as the gateway's next hop. At the gateway's first start it has no copy and no host
 * key: an SRS bounce is answered 451 (never a 550 that would lose it) until the director gave its
 * secrets as a peer; then the copy is written (0600, the director's file exactly), a bounce signed
 * with them passes and a forged one is refused. After a change of secret on the director, the
 * gateway's next start takes the new one. Nobody but a gateway gets them: an administrator, even
 * the system admin, is refused by the access matrix (a store's agent in role-method-groups.test.ts).
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rpcErrorCodes } from '../../../agent/common/contract/json-rpc.js';
import { connectRpc } from '../../../agent/common/rpc/connect-rpc.js';
import { RpcCallError } from '../../../agent/common/rpc/rpc-errors.js';
import { Agent } from '../../../agent/daemon/agent.js';
import {
  type AgentConfigInput,
  parseAgentConfig,
  srsSecretsPath,
} from '../../../agent/daemon/agent-config.js';
import { productionDependencies } from '../../../agent/daemon/production-dependencies.js';
import { SrsRewriter } from '../../../agent/mail/srs/srs-address.js';
import { AgentTestDirectory, newKeyPair } from '../../support/agent-test-directory.js';
import { forgedSrsHash } from '../../support/forged-srs.js';
import { storeSeedEntries } from '../../support/store-seed.js';

const srsDomain = 'director01.univ.example';
const sysKey = newKeyPair('sys');
const greylistDelayMs = 200;
const logLines: string[] = [];

let directory: AgentTestDirectory;
let director: Agent;
let gateway: Agent;
let gatewayConfig: AgentConfigInput;
let sink: SMTPServer;
let copyFile: string;

const dependencies = () =>
  productionDependencies({ clock: { now: () => Date.now() }, logSink: (line) => logLines.push(line) });

async function startGateway(): Promise<Agent> {
  const agent = new Agent(parseAgentConfig(gatewayConfig), dependencies());
  await agent.start();
  return agent;
}

/** A bounce (null sender) to `to` through the gateway, sent again once after greylisting; its reply. */
async function bounceTo(to: string): Promise<string> {
  const endpoint = (await directory.reader('gateway01').getServer('gateway01'))?.endpoints.smtp ?? '';
  const [host, port] = endpoint.split(':');
  const attempt = async () => {
    const transport = createTransport({
      host,
      port: Number(port),
      ignoreTLS: true,
      localAddress: '127.0.0.9',
    });
    try {
      return (
        await transport.sendMail({
          envelope: { from: '', to: [to] },
          raw: `From: MAILER-DAEMON@outside.example\r\nTo: ${to}\r\nSubject: Undelivered\r\n\r\nbounce\r\n`,
        })
      ).response;
    } catch (error) {
      return String((error as { response?: string }).response ?? error);
    } finally {
      transport.close();
    }
  };
  const first = await attempt();
  if (!first.startsWith('451 4.7.1')) return first;
  await new Promise((resolve) => setTimeout(resolve, greylistDelayMs + 100));
  return attempt();
}

/** The director's secrets, as in its data directory. */
async function directorSecrets(): Promise<string[]> {
  return (await readFile(srsSecretsPath(director.config), 'utf8')).split('\n').filter((l) => l.trim() !== '');
}

beforeAll(async () => {
  directory = await AgentTestDirectory.start({
    servers: [
      { name: 'director01', role: 'director' },
      { name: 'gateway01', role: 'gateway' },
    ],
    admins: [{ uid: 'sys', displayName: 'Postmaster', tier: 'system', sshPublicKeys: [sysKey.public] }],
    extraEntries: storeSeedEntries,
  });
  sink = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    onData: (s, _x, cb) => s.resume().on('end', () => cb()),
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  director = new Agent(
    parseAgentConfig(
      await directory.agentConfig('director01', {
        director: { host: '127.0.0.1', smtpPort: 0, srs: { domain: srsDomain } },
      }),
    ),
    dependencies(),
  );
  await director.start();
  gatewayConfig = await directory.agentConfig('gateway01');
  copyFile = join(gatewayConfig.dataDir, 'srs-secrets-copy');
  gatewayConfig = {
    ...gatewayConfig,
    gateway: {
      host: '127.0.0.1',
      smtpPort: 0,
      nextHop: { host: '127.0.0.1', port: (sink.server.address() as { port: number }).port },
      greylist: { minDelayMs: greylistDelayMs, whitelistAfterPasses: 0 },
      srs: { domain: srsDomain, secretsFile: copyFile },
    },
  };
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await director?.stop();
  await new Promise<void>((resolve) => (sink ? sink.close(() => resolve()) : resolve()));
  await directory?.stop();
});

describe("the gateway's copy of the director's SRS secrets", () => {
  it('answers 451 until the director gave its secrets, then keeps a 0600 copy and judges bounces with it', async () => {
    gateway = await startGateway();
    const secrets = await directorSecrets();
    const valid = new SrsRewriter({ domain: srsDomain, secrets, now: () => Date.now() }).forward(
      'writer@outside.example',
    );
    // First start: no host key yet when the gateway's mail module starts, so no copy.
    expect(await bounceTo(valid)).toMatch(
      /^451 4\.3\.0 the director's SRS secrets have not reached this gateway yet/,
    );
    expect(logLines.some((l) => l.includes("no copy of the director's SRS secrets yet"))).toBe(true);

    const deadline = Date.now() + 60_000;
    while ((await readFile(copyFile, 'utf8').catch(() => '')) === '') {
      if (Date.now() > deadline) throw new Error('the gateway never got the secrets');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await readFile(copyFile, 'utf8')).toBe(await readFile(srsSecretsPath(director.config), 'utf8'));
    expect((await stat(copyFile)).mode & 0o777).toBe(0o600);
    await expect.poll(() => bounceTo(valid), { timeout: 10_000 }).toMatch(/^250 /);
    expect(await bounceTo(forgedSrsHash(valid))).toMatch(
      /^550 5\.1\.1 not a valid SRS address: its hash is not ours/,
    );
    // Never in a log line.
    for (const secret of secrets) expect(logLines.join('\n')).not.toContain(secret);
  }, 120_000);

  it("takes a changed secret at its next start, from the director's answer", async () => {
    // A change of secret on the director: a new first line, the old one kept for old bounces.
    const fresh = 'bmV3LXNlY3JldC1mb3ItdGhlLWxhYi1yb3RhdGlvbi10ZXN0';
    await writeFile(srsSecretsPath(director.config), `${fresh}\n${(await directorSecrets()).join('\n')}\n`, {
      mode: 0o600,
    });
    await director.stop();
    director = new Agent(parseAgentConfig(director.config), dependencies());
    await director.start();
    await gateway.stop();
    gateway = await startGateway();
    expect((await readFile(copyFile, 'utf8')).split('\n')[0]).toBe(fresh);
    const signedWithFresh = new SrsRewriter({ domain: srsDomain, secrets: [fresh], now: () => Date.now() });
    expect(await bounceTo(signedWithFresh.forward('writer@outside.example'))).toMatch(/^250 /);
  }, 120_000);

  it('gives the secrets to no administrator, not even the system admin', async () => {
    const entry = await directory.reader('director01').getServer('director01');
    const rpc = await connectRpc({
      host: '127.0.0.1',
      port: director.endpoints().controlPort,
      username: 'sys',
      privateKey: sysKey.private,
      pinnedHostKeys: entry?.hostKeys ?? [],
    });
    try {
      const refused = await rpc.client.call('srs.secrets', {}).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(RpcCallError);
      expect((refused as RpcCallError).code).toBe(rpcErrorCodes.forbidden);
      expect((refused as RpcCallError).message).toMatch(/tier system may not call srs\.secrets/);
    } finally {
      rpc.close();
    }
  });
});
