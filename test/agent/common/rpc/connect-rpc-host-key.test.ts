import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import { afterEach, expect, test } from 'vitest';
import { connectRpc } from '../../../../agent/common/rpc/connect-rpc.js';
import { HostKeyMismatchError } from '../../../../agent/common/rpc/rpc-errors.js';
import { generateEd25519KeyPair } from '../../../../agent/common/rpc/ssh-key-generation.js';
import { parseSshPublicKey, sshFingerprint } from '../../../../agent/common/rpc/ssh-public-key.js';

// A real SSH server that only presents its host key; connectRpc must give up before authenticating.
let server: ssh2.Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function startServer(hostPrivateKey: string): Promise<{ port: number; authAttempts: () => number }> {
  let attempts = 0;
  server = new ssh2.Server({ hostKeys: [hostPrivateKey] }, (client) => {
    client.on('authentication', (context) => {
      attempts += 1;
      context.reject();
    });
    client.on('error', () => {});
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, authAttempts: () => attempts };
}

test('a host key that is not pinned is refused with HostKeyMismatchError naming its fingerprint', async () => {
  const realHost = generateEd25519KeyPair();
  const pinnedHost = generateEd25519KeyPair();
  const admin = generateEd25519KeyPair();
  const { port, authAttempts } = await startServer(realHost.private);

  const attempt = connectRpc({
    host: '127.0.0.1',
    port,
    username: 'alice',
    privateKey: admin.private,
    pinnedHostKeys: [pinnedHost.public],
  });
  const error = await attempt.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(HostKeyMismatchError);
  const offered = sshFingerprint(parseSshPublicKey(realHost.public)!);
  const mismatch = error as HostKeyMismatchError;
  expect(mismatch.offeredFingerprint).toBe(offered);
  expect(mismatch.message).toContain('possible impersonation');
  expect(mismatch.message).toContain(offered);
  expect(mismatch.pinnedFingerprints).toEqual([sshFingerprint(parseSshPublicKey(pinnedHost.public)!)]);
  // Refused before authentication: the impostor never saw a signature.
  expect(authAttempts()).toBe(0);
});

test('with no pinned key at all, every host key is refused', async () => {
  const realHost = generateEd25519KeyPair();
  const admin = generateEd25519KeyPair();
  const { port } = await startServer(realHost.private);
  await expect(
    connectRpc({ host: '127.0.0.1', port, username: 'alice', privateKey: admin.private, pinnedHostKeys: [] }),
  ).rejects.toBeInstanceOf(HostKeyMismatchError);
});

test('the pinned key passes the host check (and a refused login is not reported as a mismatch)', async () => {
  const realHost = generateEd25519KeyPair();
  const admin = generateEd25519KeyPair();
  const { port, authAttempts } = await startServer(realHost.private);
  const error = await connectRpc({
    host: '127.0.0.1',
    port,
    username: 'alice',
    privateKey: admin.private,
    // The comment differs from the server's: keys are compared by algorithm and blob only.
    pinnedHostKeys: [`${realHost.public.split(' ').slice(0, 2).join(' ')} other-comment`],
  }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(HostKeyMismatchError);
  expect(authAttempts()).toBeGreaterThan(0);
});
