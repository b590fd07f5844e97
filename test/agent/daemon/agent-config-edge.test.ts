/** The agent configuration's edge settings: the director's `dkim`, the gateway's clamd and sender checks. */
import { describe, expect, it } from 'vitest';
import { dkimKeyDirPath, parseAgentConfig } from '../../../agent/daemon/agent-config.js';

const base = {
  node: 'director01',
  dataDir: '/var/lib/mailfleet',
  directory: {
    url: 'ldap://127.0.0.1:389',
    baseDn: 'dc=x',
    bindDn: 'cn=d,dc=x',
    bindPasswordFile: '/etc/pw',
  },
  control: { host: '127.0.0.1', port: 0 },
};
const director = { host: '0.0.0.0', smtpPort: 25, trustedNetworks: ['10.0.0.0/8'] };
const gateway = { host: '0.0.0.0', smtpPort: 25, nextHop: { host: '10.0.0.2', port: 25 } };

describe('agent config: the edge', () => {
  it('signs only with a dkim section; keys under the data directory by default; SPF mx and DMARC quarantine suggested', () => {
    expect(parseAgentConfig({ ...base, director }).director?.dkim).toBeUndefined();
    const config = parseAgentConfig({ ...base, director: { ...director, dkim: {} } });
    expect(config.director?.dkim).toEqual({ spf: ['mx'], dmarcPolicy: 'quarantine' });
    expect(dkimKeyDirPath(config)).toBe('/var/lib/mailfleet/dkim');
    const placed = parseAgentConfig({
      ...base,
      director: {
        ...director,
        dkim: { keyDir: '/etc/mailfleet/dkim', spf: ['ip4:192.0.2.25', 'ip6:2001:db8::25'] },
      },
    });
    expect(dkimKeyDirPath(placed)).toBe('/etc/mailfleet/dkim');
  });

  it('checks MTA-STS on outbound mail always, on port 443 unless told, with extra CAs when given', () => {
    expect(parseAgentConfig({ ...base, director }).director?.mtaSts).toEqual({ policyPort: 443 });
    expect(
      parseAgentConfig({
        ...base,
        director: { ...director, mtaSts: { policyPort: 8443, caFile: '/etc/ssl/lab-ca.pem' } },
      }).director?.mtaSts,
    ).toEqual({ policyPort: 8443, caFile: '/etc/ssl/lab-ca.pem' });
  });

  it('refuses an SPF entry that is not a mechanism and an unknown DMARC policy, naming them', () => {
    expect(() =>
      parseAgentConfig({ ...base, director: { ...director, dkim: { spf: ['v=spf1 -all'] } } }),
    ).toThrow(/an SPF mechanism[\s\S]*director\.dkim\.spf/);
    expect(() =>
      parseAgentConfig({ ...base, director: { ...director, dkim: { dmarcPolicy: 'strict' } } }),
    ).toThrow(/director\.dkim\.dmarcPolicy/);
  });

  it('takes clamd as host:port and sender checks with their resolvers; refuses anything else', () => {
    const config = parseAgentConfig({
      ...base,
      gateway: {
        ...gateway,
        clamdAddress: '127.0.0.1:3310',
        senderAuthentication: { dnsServers: ['10.0.0.53'] },
      },
    });
    expect(config.gateway).toMatchObject({
      clamdAddress: '127.0.0.1:3310',
      senderAuthentication: { dnsServers: ['10.0.0.53'] },
    });
    expect(() =>
      parseAgentConfig({ ...base, gateway: { ...gateway, clamdAddress: '/run/clamav/clamd.ctl' } }),
    ).toThrow(/host:port[\s\S]*gateway\.clamdAddress/);
    expect(() =>
      parseAgentConfig({ ...base, gateway: { ...gateway, senderAuthentication: { resolvers: [] } } }),
    ).toThrow(/senderAuthentication/);
  });
});
