import { describe, expect, test } from 'vitest';
import { AgentConfigError, hostKeyPath, parseAgentConfig } from '../../../agent/daemon/agent-config.js';

const valid = {
  node: 'store05',
  dataDir: '/var/lib/mailfleet',
  directory: {
    url: 'ldap://127.0.0.1:3890',
    baseDn: 'dc=mailfleet,dc=lab',
    bindDn: 'cn=store05,ou=servers,dc=mailfleet,dc=lab',
    bindPasswordFile: '/etc/mailfleet/bind-password',
  },
  control: { host: '127.0.0.1', port: 40123 },
};

describe('agent configuration', () => {
  test('applies defaults', () => {
    const config = parseAgentConfig(valid);
    expect(config.log.level).toBe('info');
    expect(hostKeyPath(config)).toBe('/var/lib/mailfleet/ssh_host_ed25519_key');
  });

  test('names what is wrong', () => {
    expect(() => parseAgentConfig({ ...valid, dataDir: 'relative/dir', extra: 1 })).toThrow(AgentConfigError);
    expect(() => parseAgentConfig({ ...valid, dataDir: 'relative/dir' })).toThrow(/dataDir/);
    expect(() => parseAgentConfig({ ...valid, control: { host: '127.0.0.1', port: 70000 } })).toThrow(
      /control/,
    );
    expect(() => parseAgentConfig({ ...valid, directory: { ...valid.directory, url: 'http://x' } })).toThrow(
      /directory/,
    );
  });

  test('takes several directory URLs in order of preference, and refuses a user part or a URL twice', () => {
    const urls = ['ldap://ldap1.univ.example:389', 'ldaps://ldap2.univ.example', 'ldap://[2001:db8::7]:389/'];
    expect(
      parseAgentConfig({ ...valid, directory: { ...valid.directory, url: urls } }).directory.url,
    ).toEqual(urls);
    for (const url of [
      'ldap://admin:secret@ldap1:389',
      ['ldap://ldap1:389', 'ldap://admin:secret@ldap2:389'],
      ['ldap://ldap1:389', 'ldap://LDAP1:389/'],
      ['ldap://ldap1:389/dc=x'],
      [],
    ]) {
      expect(() => parseAgentConfig({ ...valid, directory: { ...valid.directory, url } })).toThrow(
        /directory/,
      );
    }
  });

  test("takes the embedded directory's limits and refuses an exempt address that is none", () => {
    const embedded = {
      host: '127.0.0.1',
      port: 3890,
      dataDir: '/var/lib/ldap',
      baseDn: 'dc=mailfleet,dc=lab',
    };
    const limits = {
      exemptAddresses: ['10.1.0.0/16', '192.0.2.7', '2001:db8::/32'],
      maxConnections: 2_000,
      maxConnectionsPerAddress: 32,
      idleTimeoutSeconds: 600,
    };
    expect(
      parseAgentConfig({ ...valid, embeddedDirectory: { ...embedded, ...limits } }).embeddedDirectory,
    ).toEqual({
      ...embedded,
      ...limits,
    });
    expect(() =>
      parseAgentConfig({
        ...valid,
        embeddedDirectory: { ...embedded, exemptAddresses: ['store01.example'] },
      }),
    ).toThrow(/CIDR[\s\S]*embeddedDirectory\.exemptAddresses/);
  });
});
