/**
 * The lab's own certificate authority and a TLS certificate per mail node (stores, spares, the director
 * and the gateway), made
 * with the `openssl` command (run with execFile, no shell). Made once per lab home and reused; a
 * missing file (an older lab, a deleted node directory) is made again on the next `lab up`.
 *
 * Mail clients trust the lab by trusting HOME/tls/ca.pem (its path is in fleet.json `endpoints`).
 * Node certificates name `localhost`, `127.0.0.1` and the node's name, since lab clients connect to
 * loopback addresses.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { LabLayout } from './lab-layout.js';
import type { LabState } from './lab-plan.js';

const run = promisify(execFile);

/** Roles that run mail services (mailboxes). */
export const mailRoles = new Set(['store', 'spare']);
/** Roles that present a certificate: the stores, the director's proxy (IMAPS, POP3S), the gateway (STARTTLS). */
export const tlsRoles = new Set(['store', 'spare', 'director', 'gateway']);

/** Makes the CA (if missing) and every mail node's certificate (if missing). */
export async function ensureLabCertificates<
  State extends { nodes: readonly Pick<LabState['nodes'][number], 'name' | 'role'>[] },
>(layout: LabLayout, state: State): Promise<void> {
  await mkdir(layout.tlsDir, { recursive: true, mode: 0o700 });
  if (!(await exists(layout.caCert)) || !(await exists(layout.caKey))) await makeCa(layout);
  const missing = [];
  for (const node of state.nodes) {
    if (!tlsRoles.has(node.role)) continue;
    if (!(await exists(layout.nodeCert(node.name))) || !(await exists(layout.nodeKey(node.name))))
      missing.push(node.name);
  }
  // A few at a time: each is two short openssl runs, and the machine is shared.
  for (let i = 0; i < missing.length; i += 4) {
    await Promise.all(missing.slice(i, i + 4).map((name) => makeNodeCertificate(layout, name)));
  }
}

async function makeCa(layout: LabLayout): Promise<void> {
  await openssl([
    'req',
    '-x509',
    ...ecKey(),
    '-keyout',
    layout.caKey,
    '-out',
    layout.caCert,
    '-days',
    '3650',
    '-subj',
    `/O=mailfleet lab/CN=mailfleet lab CA ${randomBytes(3).toString('hex')}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await chmod(layout.caKey, 0o600);
  await chmod(layout.caCert, 0o644);
}

async function makeNodeCertificate(layout: LabLayout, node: string): Promise<void> {
  const dir = layout.nodeTlsDir(node);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const request = `${layout.nodeCert(node)}.csr`;
  try {
    await openssl([
      'req',
      '-new',
      ...ecKey(),
      '-keyout',
      layout.nodeKey(node),
      '-out',
      request,
      '-subj',
      `/O=mailfleet lab/CN=${node}`,
      '-addext',
      `subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,DNS:${node},DNS:${node}.mailfleet.lab`,
      '-addext',
      'basicConstraints=critical,CA:FALSE',
      '-addext',
      'keyUsage=critical,digitalSignature',
      '-addext',
      'extendedKeyUsage=serverAuth',
    ]);
    await chmod(layout.nodeKey(node), 0o600);
    await openssl([
      'x509',
      '-req',
      '-in',
      request,
      '-CA',
      layout.caCert,
      '-CAkey',
      layout.caKey,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      // 825 days: the longest validity Apple clients accept for a server certificate.
      '-days',
      '825',
      '-copy_extensions',
      'copyall',
      '-out',
      layout.nodeCert(node),
    ]);
  } finally {
    await rm(request, { force: true });
  }
}

/** A new P-256 key, unencrypted (`-nodes`): the agent reads it at start with no one to type a passphrase. */
function ecKey(): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
}

async function openssl(args: string[]): Promise<void> {
  try {
    await run('openssl', args, { timeout: 30_000 });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT')
      throw new Error('the lab needs the openssl command for its TLS certificates');
    throw new Error(`openssl ${args[0]} failed: ${(failure.stderr ?? failure.message).trim()}`);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
