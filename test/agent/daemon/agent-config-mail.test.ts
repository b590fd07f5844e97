/** The agent configuration's `tls` and `mail` sections. */
import { describe, expect, it } from 'vitest';
import { AgentConfigError, mailRootPath, parseAgentConfig } from '../../../agent/daemon/agent-config.js';

const base = {
  node: 'store01',
  dataDir: '/var/lib/mailfleet',
  directory: {
    url: 'ldap://127.0.0.1:389',
    baseDn: 'dc=x',
    bindDn: 'cn=store01,dc=x',
    bindPasswordFile: '/etc/pw',
  },
  control: { host: '127.0.0.1', port: 0 },
};
const mail = { host: '127.0.0.1', lmtpPort: 0, imapPort: 0, pop3Port: 0 };

describe('agent config: mail and tls', () => {
  it('is optional, so configurations of the foundation stay valid', () => {
    const config = parseAgentConfig(base);
    expect(config.mail).toBeUndefined();
    expect(config.tls).toBeUndefined();
  });

  it('applies defaults: 50 MiB messages, mailboxes under the data directory', () => {
    const config = parseAgentConfig({ ...base, mail });
    expect(config.mail?.maxMessageBytes).toBe(50 * 1024 * 1024);
    expect(mailRootPath(config)).toBe('/var/lib/mailfleet/mail');
    expect(mailRootPath(parseAgentConfig({ ...base, mail: { ...mail, root: '/srv/mail' } }))).toBe(
      '/srv/mail',
    );
  });

  it('refuses implicit-TLS ports without a certificate', () => {
    expect(() => parseAgentConfig({ ...base, mail: { ...mail, imapsPort: 0 } })).toThrow(
      /imapsPort needs the tls section/,
    );
    const config = parseAgentConfig({
      ...base,
      tls: { certFile: '/etc/mailfleet/cert.pem', keyFile: '/etc/mailfleet/key.pem' },
      mail: { ...mail, imapsPort: 0, pop3sPort: 0 },
    });
    expect(config.mail?.pop3sPort).toBe(0);
  });

  it('refuses unknown keys and relative certificate paths', () => {
    expect(() => parseAgentConfig({ ...base, mail: { ...mail, smtpPort: 25 } })).toThrow(AgentConfigError);
    expect(() => parseAgentConfig({ ...base, tls: { certFile: 'cert.pem', keyFile: '/k' } })).toThrow(
      /absolute path/,
    );
  });
});
