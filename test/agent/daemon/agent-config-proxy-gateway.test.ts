/** The agent configuration's `proxy` (director) and `gateway` sections. */
import { describe, expect, it } from 'vitest';
import { AgentConfigError, greylistDirPath, parseAgentConfig } from '../../../agent/daemon/agent-config.js';

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
const tls = { certFile: '/etc/mailfleet/cert.pem', keyFile: '/etc/mailfleet/key.pem' };
const proxy = { host: '0.0.0.0', imapPort: 143, pop3Port: 110 };
const gateway = { host: '0.0.0.0', smtpPort: 25, nextHop: { host: '10.0.0.2', port: 25 } };

describe('agent config: proxy and gateway', () => {
  it('applies the proxy defaults: no plaintext logins, TLS to remote stores', () => {
    const config = parseAgentConfig({ ...base, proxy });
    expect(config.proxy).toMatchObject({
      allowPlaintextAuth: false,
      tlsToStores: 'remote',
      storeCacheMs: 10_000,
    });
  });

  it('refuses implicit-TLS proxy ports without a certificate, and accepts them with one', () => {
    expect(() => parseAgentConfig({ ...base, proxy: { ...proxy, imapsPort: 993 } })).toThrow(
      /imapsPort needs the tls section[\s\S]*proxy\.imapsPort/,
    );
    expect(
      parseAgentConfig({ ...base, tls, proxy: { ...proxy, imapsPort: 993, pop3sPort: 995 } }).proxy,
    ).toMatchObject({ imapsPort: 993, pop3sPort: 995 });
  });

  it('keeps the greylist under the data directory unless told otherwise', () => {
    const config = parseAgentConfig({ ...base, gateway });
    expect(greylistDirPath(config)).toBe('/var/lib/mailfleet/greylist');
    expect(config.gateway?.rspamdUrl).toBeUndefined();
    const moved = parseAgentConfig({
      ...base,
      gateway: { ...gateway, greylist: { dataDir: '/srv/greylist' } },
    });
    expect(greylistDirPath(moved)).toBe('/srv/greylist');
  });

  it('refuses a gateway without a next hop, a non-http rspamd URL and unknown keys, naming them', () => {
    const { nextHop: _nextHop, ...withoutNextHop } = gateway;
    expect(() => parseAgentConfig({ ...base, gateway: withoutNextHop })).toThrow(/gateway\.nextHop/);
    expect(() => parseAgentConfig({ ...base, gateway: { ...gateway, rspamdUrl: 'ftp://x' } })).toThrow(
      AgentConfigError,
    );
    expect(() => parseAgentConfig({ ...base, gateway: { ...gateway, greylist: { minDelay: 5 } } })).toThrow(
      /minDelay/,
    );
  });
});
