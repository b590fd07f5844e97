/**
 * The DKIM RPCs in real agents over SSH: the director makes a domain's keys (the private key on
 * its disk, the selector and public key written to the directory under its own server entry's
 * rights), lists the records the department publishes and checks them against the simulated DNS,
 * activates pending keys only once DNS has them, and signs submitted mail with them. A domain admin
 * reaches its own domain only; no answer carries a private key.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DepartmentDnsRecords } from '../../../../../agent/common/contract/dkim-contract.js';
import type { RpcConnection } from '../../../../../agent/common/rpc/connect-rpc.js';
import {
  type DnsResponder,
  startDnsResponder,
} from '../../../../../main/lab/simulated-internet/dns-responder.js';
import {
  type SimulatedMailHost,
  startSimulatedMailHost,
} from '../../../../../main/lab/simulated-internet/simulated-mail-host.js';
import { storeUsers } from '../../../../support/store-seed.js';
import { type DirectorAgents, startDirectorAgents } from '../director-agents.js';
import { outsideZone } from '../director-fixture.js';

const { carol } = storeUsers;

describe('dkim.records, dkim.rotate, dkim.activate on a director agent', () => {
  let agents: DirectorAgents;
  let dns: DnsResponder;
  let internet: SimulatedMailHost;
  let sys: RpcConnection;
  let alpha: RpcConnection;
  let hd: RpcConnection;
  const answers: unknown[] = [];
  const call = async (
    rpc: RpcConnection,
    method: 'dkim.records' | 'dkim.rotate' | 'dkim.activate',
    params: object,
  ) => {
    const result = await rpc.client.call(method, params as never);
    answers.push(result);
    return result;
  };

  beforeAll(async () => {
    internet = await startSimulatedMailHost({});
    dns = await startDnsResponder({ zone: outsideZone });
    agents = await startDirectorAgents({
      director: {
        host: '127.0.0.1',
        smtpPort: 0,
        allowPlaintextAuth: true,
        dnsServers: [dns.server],
        outboundPort: internet.port,
        dkim: { spf: ['ip4:127.0.0.1'], dmarcPolicy: 'reject' },
      },
    });
    sys = await agents.connect('director01', 'sys');
    alpha = await agents.connect('director01', 'alpha');
    hd = await agents.connect('director01', 'hd');
  }, 60_000);
  afterAll(async () => {
    await agents?.stop();
    await internet?.stop();
    await dns?.stop();
  });

  it('makes pending keys, lists what to publish, and activates only once DNS has the keys', async () => {
    const { pending } = (await call(sys, 'dkim.rotate', { domain: 'alpha.example' })) as {
      pending: string[];
    };
    expect(pending).toHaveLength(2);
    // The director wrote the selectors to the directory under its own server entry.
    const values =
      (await agents.directory.reader('director01').listDomains()).find((d) => d.name === 'alpha.example')
        ?.dkimKeys ?? [];
    expect(values.map((v) => /selector=([^;]+)/.exec(v)?.[1]).sort()).toEqual([...pending].sort());
    expect(values.every((v) => /state=pending/.test(v))).toBe(true);

    let records = (await call(alpha, 'dkim.records', { domain: 'alpha.example' })) as DepartmentDnsRecords;
    expect(records.records.map((r) => [r.purpose, r.dns])).toEqual([
      ['dkim', 'missing'],
      ['dkim', 'missing'],
      ['spf', 'missing'],
      ['dmarc', 'missing'],
    ]);
    expect(records.records.find((r) => r.purpose === 'spf')?.value).toBe('v=spf1 ip4:127.0.0.1 -all');
    expect(records.records.find((r) => r.purpose === 'dmarc')?.name).toBe('_dmarc.alpha.example');

    await expect(sys.client.call('dkim.activate', { domain: 'alpha.example' })).rejects.toThrow(
      /publish these DKIM records first: mf\d{8}[re][0-9a-f]{4}\._domainkey\.alpha\.example \(missing\)/,
    );

    // The department publishes what the console showed (one record with a wrong key, first).
    const [first, second] = records.records;
    dns.setName(first?.name ?? '', { txt: [(first?.value ?? '').replace(/p=.{8}/, 'p=AAAAAAAA')] });
    dns.setName(second?.name ?? '', { txt: [second?.value ?? ''] });
    dns.setName('alpha.example', { txt: ['v=spf1 ip4:127.0.0.1 -all', 'google-site-verification=x'] });
    dns.setName('_dmarc.alpha.example', { txt: ['v=DMARC1; p=reject'] });
    records = (await call(alpha, 'dkim.records', { domain: 'alpha.example' })) as DepartmentDnsRecords;
    expect(records.records.map((r) => r.dns)).toEqual(['different', 'published', 'published', 'published']);
    await expect(sys.client.call('dkim.activate', { domain: 'alpha.example' })).rejects.toThrow(
      /\(different\)/,
    );
    dns.setName(first?.name ?? '', { txt: [first?.value ?? ''] });
    const activated = (await call(alpha, 'dkim.activate', { domain: 'alpha.example' })) as {
      active: string[];
    };
    expect(activated.active.sort()).toEqual([...pending].sort());
  });

  it('signs submitted mail with the activated keys', async () => {
    const endpoints = (await agents.directory.reader('director01').getServer('director01'))?.endpoints ?? {};
    const transport = createTransport({
      host: '127.0.0.1',
      port: Number(endpoints.smtp?.split(':')[1]),
      secure: false,
      ignoreTLS: true,
      auth: { user: carol.mail, pass: carol.password },
    });
    try {
      await transport.sendMail({
        envelope: { from: carol.mail, to: ['someone@outside.example'] },
        raw: `From: ${carol.mail}\r\nTo: someone@outside.example\r\nSubject: signed by the agent\r\n\r\nhello\r\n`,
      });
    } finally {
      transport.close();
    }
    await internet.waitForMessages(1, 20_000);
    const text = internet.messages[0]?.content.toString('latin1') ?? '';
    const records = (await call(sys, 'dkim.records', { domain: 'alpha.example' })) as DepartmentDnsRecords;
    for (const record of records.records.filter((r) => r.purpose === 'dkim'))
      expect(text).toContain(`s=${record.selector};`);
  });

  it('keeps a domain admin to its own domain, the helpdesk to reading, and every answer free of private keys', async () => {
    await expect(alpha.client.call('dkim.records', { domain: 'beta.example' })).rejects.toMatchObject({
      codeName: 'forbidden',
    });
    await expect(alpha.client.call('dkim.rotate', { domain: 'beta.example' })).rejects.toMatchObject({
      codeName: 'forbidden',
    });
    await expect(
      alpha.client.call('dkim.activate', { domain: 'Beta.Example', force: true }),
    ).rejects.toMatchObject({
      codeName: 'forbidden',
    });
    await expect(hd.client.call('dkim.rotate', { domain: 'alpha.example' })).rejects.toMatchObject({
      codeName: 'forbidden',
    });
    expect(await call(hd, 'dkim.records', { domain: 'beta.example' })).toMatchObject({
      domain: 'beta.example',
    });
    await expect(sys.client.call('dkim.records', { domain: 'nowhere.example' })).rejects.toThrow(
      'no such mail domain nowhere.example',
    );
    // The private keys exist on the director's disk and appear in no answer.
    const config = agents.director.config;
    const selector = ((await call(sys, 'dkim.records', { domain: 'alpha.example' })) as DepartmentDnsRecords)
      .records[0]?.selector;
    const pem = await readFile(join(config.dataDir, 'dkim', 'alpha.example', `${selector}.pem`), 'utf8');
    const body = pem.split('\n')[1] ?? '';
    expect(body.length).toBeGreaterThan(20);
    const everything = JSON.stringify(answers);
    expect(everything).not.toContain('PRIVATE');
    expect(everything).not.toContain(body);
  });
});
