/**
 * MTA-STS (RFC 8461) on the director's outbound delivery, against real parts on loopback: the
 * simulated internet's DNS (the `_mta-sts` TXT record, MX and A records), an HTTPS policy host
 * (node:https with a certificate of the lab's CA for mta-sts.mailfleet.lab), and two MX hosts
 * (smtp-server with STARTTLS) on one port: one whose certificate names it, one whose certificate
 * names another host. Under `enforce` mail goes only to a host the policy names and only with a
 * valid certificate; failures are deferred with the TLS-RPT result type in the reason and counted;
 * under `testing` mail goes anyway and the failure is counted; a policy that cannot be fetched
 * leaves TLS opportunistic and is counted.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MtaStsPolicies,
  mxMatchesPolicy,
  parseMtaStsPolicy,
} from '../../../../../agent/mail/director/outbound/mta-sts.js';
import { MxResolver } from '../../../../../agent/mail/director/outbound/mx-resolver.js';
import { MxTransport } from '../../../../../agent/mail/director/outbound/mx-transport.js';
import type { DeliveryDestination } from '../../../../../agent/mail/director/queue/delivery-transport.js';
import { ensureLabCertificates } from '../../../../../main/lab/lab-certificates.js';
import { LabLayout } from '../../../../../main/lab/lab-layout.js';
import { referenceLabSpec } from '../../../../../main/lab/lab-plan.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { probeFreePort } from '../../../../support/free-port.js';

const domain = 'mailfleet.lab';
let home: string;
let layout: LabLayout;
let dns: DnsResponder;
let good: SimulatedMailHost;
let wrongName: SimulatedMailHost;
let policyServer: Server;
let policyPort: number;
let policyText = '';
let now = Date.now();
let policies: MtaStsPolicies;
let transport: MxTransport;

const destination = (): DeliveryDestination => ({
  key: `smtp:${domain}`,
  protocol: 'smtp',
  host: domain,
  port: good.port,
});
let n = 0;
const deliver = () =>
  transport.deliver(
    destination(),
    {
      id: `q${++n}`,
      sender: 'carol@alpha.example',
      content: Buffer.from(`From: carol@alpha.example\r\nSubject: sts ${n}\r\n\r\nhello\r\n`),
    },
    [`friend${n}@${domain}`],
  );
/** Publishes a policy: a new id in DNS so the director fetches it again. */
const publishPolicy = (mode: string, mx: string[]) => {
  policyText = `version: STSv1\nmode: ${mode}\n${mx.map((m) => `mx: ${m}\n`).join('')}max_age: 86400\n`;
  dns.setName(`_mta-sts.${domain}`, { txt: [`v=STSv1; id=p${++n}`] });
};
const mxIs = (exchange: string) => dns.setName(domain, { mx: [{ preference: 10, exchange }] });

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'mailfleet-mta-sts-'));
  layout = new LabLayout(home);
  // The lab's own CA: certificates for mx.mailfleet.lab, other.mailfleet.lab, mta-sts.mailfleet.lab.
  await ensureLabCertificates(layout, {
    version: 1,
    createdAt: new Date().toISOString(),
    spec: referenceLabSpec,
    nodes: ['mx', 'other', 'mta-sts'].map((name) => ({
      name,
      role: 'store' as const,
      controlPort: 1,
      metricsPort: 1,
    })),
  });
  const credentials = async (name: string) => ({
    cert: await readFile(layout.nodeCert(name)),
    key: await readFile(layout.nodeKey(name)),
  });
  good = await startSimulatedMailHost({ tls: await credentials('mx') });
  wrongName = await startSimulatedMailHost({
    host: '127.0.0.2',
    port: good.port,
    tls: await credentials('other'),
  });
  policyPort = await probeFreePort();
  policyServer = createServer(await credentials('mta-sts'), (request, response) => {
    if (request.url !== '/.well-known/mta-sts.txt') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/plain' }).end(policyText);
  });
  await new Promise<void>((resolve) => policyServer.listen(policyPort, '127.0.0.1', resolve));
  dns = await startDnsResponder({
    zone: {
      'mx.mailfleet.lab': { a: ['127.0.0.1'] },
      'mx2.mailfleet.lab': { a: ['127.0.0.2'] },
      'mta-sts.mailfleet.lab': { a: ['127.0.0.1'] },
    },
  });
  const ca = await readFile(layout.caCert);
  policies = new MtaStsPolicies({ clock: { now: () => now }, servers: [dns.server], ca, policyPort });
  const resolver = new MxResolver({ servers: [dns.server], timeoutMs: 2_000 });
  transport = new MxTransport({
    clientName: 'director01.test',
    resolve: (name) => resolver.route(name),
    connectTimeoutMs: 5_000,
    mtaSts: policies,
    tlsCa: ca,
  });
}, 60_000);

afterAll(async () => {
  await good?.stop();
  await wrongName?.stop();
  await new Promise<void>((resolve) => (policyServer ? policyServer.close(() => resolve()) : resolve()));
  await dns?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

describe('MTA-STS policies', () => {
  it('reads a policy file and matches MX names, a wildcard covering one label', () => {
    expect(
      parseMtaStsPolicy(
        'version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmx: *.example.net\r\nmax_age: 604800\r\n',
      ),
    ).toEqual({
      mode: 'enforce',
      mx: ['mx.example.com', '*.example.net'],
      maxAgeSeconds: 604800,
    });
    expect(parseMtaStsPolicy('version: STSv2\nmode: enforce\nmx: a\nmax_age: 1')).toBeInstanceOf(Error);
    expect(parseMtaStsPolicy('version: STSv1\nmode: enforce\nmax_age: 1')).toBeInstanceOf(Error);
    expect(mxMatchesPolicy('mx1.example.net', ['*.example.net'])).toBe(true);
    expect(mxMatchesPolicy('a.mx1.example.net', ['*.example.net'])).toBe(false);
    expect(mxMatchesPolicy('MX.example.com.', ['mx.example.com'])).toBe(true);
  });

  it('enforce: delivered over TLS to a host the policy names with a valid certificate', async () => {
    mxIs('mx.mailfleet.lab');
    publishPolicy('enforce', ['mx.mailfleet.lab']);
    const [outcome] = await deliver();
    expect(outcome).toMatchObject({ outcome: 'delivered' });
    expect(good.messages.at(-1)?.secure).toBe(true);
  });

  it('enforce: a certificate for another name is deferred, never sent in plain text, and counted', async () => {
    mxIs('mx2.mailfleet.lab');
    publishPolicy('enforce', ['*.mailfleet.lab']);
    const before = wrongName.messages.length;
    const [outcome] = await deliver();
    expect(outcome?.outcome).toBe('deferred');
    expect(outcome?.reason).toMatch(
      /^4\.7\.5 MTA-STS \(certificate-host-mismatch\): mx2\.mailfleet\.lab\[127\.0\.0\.2\]/,
    );
    expect(wrongName.messages.length).toBe(before);
    expect(transport.tlsFailures()[domain]?.['certificate-host-mismatch']).toBe(1);
  });

  it('enforce: an MX host the policy does not name is not used', async () => {
    mxIs('mx2.mailfleet.lab');
    publishPolicy('enforce', ['mx.mailfleet.lab']);
    const [outcome] = await deliver();
    expect(outcome?.outcome).toBe('deferred');
    expect(outcome?.reason).toMatch(
      /4\.7\.5 MTA-STS \(validation-failure\): no MX host of mailfleet\.lab matches its policy/,
    );
  });

  it('testing: delivered anyway, the failure counted', async () => {
    mxIs('mx2.mailfleet.lab');
    publishPolicy('testing', ['*.mailfleet.lab']);
    const before = wrongName.messages.length;
    const [outcome] = await deliver();
    expect(outcome?.outcome).toBe('delivered');
    expect(wrongName.messages.length).toBe(before + 1);
    expect(transport.tlsFailures()[domain]?.['certificate-host-mismatch']).toBe(2);
  });

  it('a policy that cannot be fetched leaves TLS opportunistic, and is counted', async () => {
    now += 2 * 86_400_000; // the cached policies have expired
    mxIs('mx2.mailfleet.lab');
    publishPolicy('enforce', ['mx.mailfleet.lab']);
    dns.removeName('mta-sts.mailfleet.lab');
    const [outcome] = await deliver();
    expect(outcome?.outcome).toBe('delivered');
    expect(transport.tlsFailures()[domain]?.['sts-policy-fetch-error']).toBe(1);
    dns.setName('mta-sts.mailfleet.lab', { a: ['127.0.0.1'] });
  });
});
