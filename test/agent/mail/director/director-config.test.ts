/** The agent configuration's `director` section and the trusted network parser behind it. */
import { describe, expect, it } from 'vitest';
import { AgentConfigError, parseAgentConfig, queueRootPath } from '../../../../agent/daemon/agent-config.js';
import { isTrustedAddress, trustedNetworkList } from '../../../../agent/mail/protocol/trusted-networks.js';

const base = {
  node: 'director01',
  dataDir: '/var/lib/mailfleet',
  directory: {
    url: 'ldap://127.0.0.1:389',
    baseDn: 'dc=x',
    bindDn: 'cn=director01,dc=x',
    bindPasswordFile: '/etc/pw',
  },
  control: { host: '127.0.0.1', port: 0 },
};

describe('director configuration', () => {
  it('applies defaults and places the queue under the data directory', () => {
    const config = parseAgentConfig({ ...base, director: { host: '0.0.0.0', smtpPort: 25 } });
    expect(config.director).toMatchObject({
      trustedNetworks: [],
      maxMessageBytes: 50 * 1024 * 1024,
      concurrencyPerDestination: 20,
    });
    expect(queueRootPath(config)).toBe('/var/lib/mailfleet/queue');
  });

  it('refuses malformed trusted networks and unknown keys', () => {
    for (const bad of ['10.0.0.0/33', 'campus', '10.0.0.1/8/1', '::1/129', '10.0.0.0/x']) {
      expect(() =>
        parseAgentConfig({ ...base, director: { host: '0.0.0.0', smtpPort: 25, trustedNetworks: [bad] } }),
      ).toThrow(AgentConfigError);
    }
    expect(() =>
      parseAgentConfig({ ...base, director: { host: '0.0.0.0', smtpPort: 25, relay: true } }),
    ).toThrow(AgentConfigError);
  });

  it('outbound, DSN and submission settings: defaults, and submission ports need the tls section', () => {
    const director = { host: '0.0.0.0', smtpPort: 25 };
    expect(parseAgentConfig({ ...base, director }).director).toMatchObject({
      outboundDelivery: true,
      outboundPort: 25,
      delayWarningAfterMs: 4 * 3_600_000,
      maximalQueueLifetimeMs: 5 * 86_400_000,
    });
    const tls = { certFile: '/etc/mailfleet/director.crt', keyFile: '/etc/mailfleet/director.key' };
    const withTls = parseAgentConfig({
      ...base,
      tls,
      director: { ...director, submissionPort: 587, submissionsPort: 465, dnsServers: ['127.0.0.1:5353'] },
    });
    expect(withTls.director).toMatchObject({
      submissionPort: 587,
      submissionsPort: 465,
      dnsServers: ['127.0.0.1:5353'],
    });
    expect(() => parseAgentConfig({ ...base, director: { ...director, submissionsPort: 465 } })).toThrow(
      /submission ports need the tls section/,
    );
    expect(() => parseAgentConfig({ ...base, director: { ...director, submissionPort: 587 } })).toThrow(
      /submission ports need the tls section/,
    );
    // Plain-text AUTH allowed: a submission port without TLS is a choice the site made.
    expect(
      parseAgentConfig({ ...base, director: { ...director, submissionPort: 587, allowPlaintextAuth: true } })
        .director?.submissionPort,
    ).toBe(587);
    expect(() => parseAgentConfig({ ...base, director: { ...director, maximalQueueLifetimeMs: 5 } })).toThrow(
      AgentConfigError,
    );
  });

  it('matches client addresses, IPv4-mapped IPv6 as IPv4', () => {
    const list = trustedNetworkList(['10.1.0.0/16', '192.0.2.7', 'fd00::/8']);
    expect(isTrustedAddress(list, '10.1.200.3')).toBe(true);
    expect(isTrustedAddress(list, '::ffff:10.1.0.9')).toBe(true);
    expect(isTrustedAddress(list, '10.2.0.1')).toBe(false);
    expect(isTrustedAddress(list, '192.0.2.7')).toBe(true);
    expect(isTrustedAddress(list, '192.0.2.8')).toBe(false);
    expect(isTrustedAddress(list, 'fd12::1')).toBe(true);
    expect(isTrustedAddress(list, 'fe80::1')).toBe(false);
    expect(isTrustedAddress(list, 'not an address')).toBe(false);
  });
});
