/**
 * A CA and a server certificate for `localhost`/`127.0.0.1`, made by the lab's own certificate code
 * (openssl) in a temporary lab home, for tests of STARTTLS and implicit TLS.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMailTls, type MailTlsCredentials } from '../../agent/mail/protocol/tls/mail-tls.js';
import { ensureLabCertificates } from '../../main/lab/lab-certificates.js';
import { LabLayout } from '../../main/lab/lab-layout.js';
import { referenceLabSpec } from '../../main/lab/lab-plan.js';

/** Certificate files and loaded credentials for one test server. */
export interface TestCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  credentials: MailTlsCredentials;
  remove(): Promise<void>;
}

/** Makes a CA and a certificate for node `name` (SANs localhost, 127.0.0.1, ::1, name). */
export async function makeTestCertificates(name = 'store01'): Promise<TestCertificates> {
  const home = await mkdtemp(join(tmpdir(), 'mailfleet-tls-'));
  const layout = new LabLayout(home);
  await ensureLabCertificates(layout, {
    version: 1,
    createdAt: new Date().toISOString(),
    spec: referenceLabSpec,
    nodes: [{ name, role: 'store', controlPort: 1, metricsPort: 1 }],
  });
  const files = { certFile: layout.nodeCert(name), keyFile: layout.nodeKey(name) };
  return {
    caFile: layout.caCert,
    ...files,
    credentials: await loadMailTls(files),
    remove: () => rm(home, { recursive: true, force: true }),
  };
}
