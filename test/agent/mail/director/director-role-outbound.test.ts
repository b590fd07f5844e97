/**
 * The director role's outbound and submission wiring in real Agents: a director agent configured
 * with the `tls` section, submission ports and the simulated internet (`dnsServers`,
 * `outboundPort`) publishes its submission endpoints; mail submitted with AUTH for a remote domain
 * leaves by MX, and a remote 5xx comes back to the local sender as a bounce DSN in the store;
 * forwarding saved on the agent's self-service page (Chromium) acts on the very next message, and
 * the forward leaves with an SRS0 sender signed with the secret the agent made in its data
 * directory (0600, never in the log).
 */
import { readFile, stat } from 'node:fs/promises';
import { get as httpsGet } from 'node:https';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SrsRewriter } from '../../../../agent/mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../../../agent/mail/srs/srs-secrets.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { storeUsers } from '../../../support/store-seed.js';
import { makeTestCertificates, type TestCertificates } from '../../../support/test-certificates.js';
import { type DirectorAgents, startDirectorAgents } from './director-agents.js';
import { outsideZone } from './director-fixture.js';
import {
  chromiumTrusting,
  saveSettingsOnPage,
  signInOnPage,
} from './self-service/self-service-page-fixture.js';

const { carol } = storeUsers;

describe('director role with outbound delivery and submission (real agents, simulated internet)', () => {
  let agents: DirectorAgents;
  let dns: DnsResponder;
  let internet: SimulatedMailHost;
  let certificates: TestCertificates;
  let ca: Buffer;
  const logLines: string[] = [];

  const until = async (check: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    certificates = await makeTestCertificates('director01');
    ca = await readFile(certificates.caFile);
    internet = await startSimulatedMailHost({
      rules: [{ match: 'nobody@outside.example', action: 'reject', reply: '550 5.1.1 unknown here' }],
    });
    dns = await startDnsResponder({ zone: outsideZone });
    agents = await startDirectorAgents(
      {
        tls: { certFile: certificates.certFile, keyFile: certificates.keyFile },
        director: {
          host: '127.0.0.1',
          smtpPort: 0,
          submissionPort: 0,
          submissionsPort: 0,
          selfServicePort: 0,
          dnsServers: [dns.server],
          outboundPort: internet.port,
          srs: { domain: 'director01.univ.example' },
        },
      },
      undefined,
      (line) => logLines.push(line),
    );
  }, 60_000);

  afterAll(async () => {
    await agents?.stop();
    await dns?.stop();
    await internet?.stop();
    await certificates?.remove();
  });

  it("publishes and serves the users' self-service page over HTTPS under the lab CA", async () => {
    const endpoints = (await agents.directory.reader('director01').getServer('director01'))?.endpoints ?? {};
    const port = Number(endpoints['self-service']?.split(':')[1]);
    expect(port).toBeGreaterThan(0);
    const page = await new Promise<string>((resolve, reject) => {
      const req = httpsGet(`https://localhost:${port}/?lang=en`, { ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      });
      req.on('error', reject);
    });
    expect(page).toContain('Sign in to your mail settings');
  });

  it('publishes the submission endpoints; submitted mail leaves by MX; a remote 5xx returns as a DSN', async () => {
    const endpoints = (await agents.directory.reader('director01').getServer('director01'))?.endpoints ?? {};
    const submission = Number(endpoints.submission?.split(':')[1]);
    const submissions = Number(endpoints.submissions?.split(':')[1]);
    expect(submission).toBeGreaterThan(0);
    expect(submissions).toBeGreaterThan(0);
    const transport = createTransport({
      host: '127.0.0.1',
      port: submissions,
      secure: true,
      tls: { ca, servername: 'localhost' },
      auth: { user: carol.mail, pass: carol.password },
    });
    await transport.sendMail({
      envelope: { from: carol.mail, to: ['friend@outside.example', 'nobody@outside.example'] },
      raw: `From: ${carol.mail}\r\nSubject: role-out\r\nMessage-ID: <role-out@alpha.example>\r\n\r\nhi\r\n`,
    });
    transport.close();
    await internet.waitForMessages(1);
    expect(internet.messages[0]?.recipients).toEqual(['friend@outside.example']);
    expect(internet.messages[0]?.content.toString()).toContain('Subject: role-out');
    // The bounce DSN for nobody@ goes to carol's INBOX on store01 (the store's mailbox.stats RPC).
    const storeRpc = await agents.connect('store01');
    const directorRpc = await agents.connect('director01');
    await until(async () => {
      const stats = (await storeRpc.client.call('mailbox.stats', { user: carol.mail })) as {
        folders: { name: string; messages: number }[];
      };
      return stats.folders.find((f) => f.name === 'INBOX')?.messages === 1;
    });
    await until(
      async () =>
        ((await directorRpc.client.call('queue.summary', {})) as { messages: number }).messages === 0,
    );
  });

  it('forwards the next message after carol saves forwarding on the page, though the router had her cached', async () => {
    // Runs after the DSN test: the director routed carol's DSN, so its router has her cached.
    const endpoints = (await agents.directory.reader('director01').getServer('director01'))?.endpoints ?? {};
    const browser = await chromiumTrusting(certificates.certFile);
    try {
      const page = await (await browser.newContext()).newPage();
      await signInOnPage(
        page,
        `https://127.0.0.1:${endpoints['self-service']?.split(':')[1]}`,
        carol.mail,
        carol.password,
        'en',
      );
      await saveSettingsOnPage(page, { forwardTo: ['friend@outside.example'], keepCopy: true });
      expect(await page.locator('[role=status]').textContent()).toBe('Saved.');
    } finally {
      await browser.close();
    }
    const transport = createTransport({
      host: '127.0.0.1',
      port: Number(endpoints.smtp?.split(':')[1]),
      ignoreTLS: true,
    });
    await transport.sendMail({
      envelope: { from: 'writer@outside.example', to: [carol.mail] },
      raw: `From: writer@outside.example\r\nTo: ${carol.mail}\r\nSubject: role-forward\r\n\r\nhi\r\n`,
    });
    transport.close();
    await internet.waitForMessages(2);
    expect(internet.messages[1]?.recipients).toEqual(['friend@outside.example']);
    expect(internet.messages[1]?.content.toString()).toContain(`Delivered-To: ${carol.mail}`);
    const sender = internet.messages[1]?.sender as string;
    expect(sender).toMatch(
      /^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=outside\.example=writer@director01\.univ\.example$/,
    );
    const secretsFile = join(agents.director.config.dataDir, 'srs-secrets');
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const secrets = await loadSrsSecrets(secretsFile);
    const srs = new SrsRewriter({ domain: 'director01.univ.example', secrets, now: () => Date.now() });
    expect(srs.reverse(sender)).toEqual({ ok: true, address: 'writer@outside.example' });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.some((line) => line.includes(secrets[0] as string))).toBe(false);
  });
});
