/**
 * An ImapServer over a real MaildirStorage in a temp directory, for the IMAP tests. Logins go
 * through a small table of users (the authenticate function is injected by design; the directory
 * authenticator has its own tests), optionally counting attempts per address like the real one.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImapLimits } from '../../../../../../agent/mail/protocol/imap/imap-limits.js';
import { ImapServer, type ImapServerOptions } from '../../../../../../agent/mail/store/imap/imap-server.js';
import type {
  AuthenticateMailLogin,
  MailLoginResult,
} from '../../../../../../agent/mail/store/mail-login.js';
import { MaildirStorage } from '../../../../../../agent/mail/store/maildir/maildir-storage.js';
import { RawImapClient } from './raw-imap-client.js';

const repository = join(import.meta.dirname, '../../../../../..');

/** Test users: address -> password; every one has a 10 MiB quota. */
export const testUsers: Record<string, string> = {
  'taro@univ.example': 'taro-secret',
  'hanako@univ.example': 'hanako-secret',
  'jiro@univ.example': 'jiro-secret',
};

export const testQuotaBytes = 10 * 1024 * 1024;

/** A running test server. */
export interface ImapTestServer {
  server: ImapServer;
  storage: MaildirStorage;
  dir: string;
  /** Login attempts seen by authenticate, in order. */
  attempts: Array<{ user: string; clientAddress: string }>;
  stop(): Promise<void>;
}

/** A raw connection logged in as one of the test users. */
export async function loginAs(port: number, user: string): Promise<RawImapClient> {
  const client = await RawImapClient.connect(port);
  await client.login(user, testUsers[user]!);
  return client;
}

/** A fresh directory under test-output/. */
export async function makeTestDir(prefix: string): Promise<string> {
  await mkdir(join(repository, 'test-output'), { recursive: true });
  return mkdtemp(join(repository, 'test-output', prefix));
}

/** A self-signed certificate for 127.0.0.1/localhost made with openssl (node cannot make certificates). */
export function makeTestCertificate(dir: string): { key: Buffer; cert: Buffer; certFile: string } {
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

/** Starts a server; `throttleAfter` refuses an address with `throttled` after that many failures. */
export async function startImapTestServer(
  settings: {
    /** Quota of every test user (default testQuotaBytes). */
    quotaBytes?: number;
    limits?: Partial<ImapLimits>;
    tls?: { key: Buffer; cert: Buffer };
    tlsPort?: number;
    throttleAfter?: number;
    /** Reuse the files of an earlier test server (a restart); the caller removes this directory. */
    dir?: string;
  } & Partial<ImapServerOptions> = {},
): Promise<ImapTestServer> {
  const dir = settings.dir ?? (await makeTestDir('imap-'));
  const storage = new MaildirStorage({ root: join(dir, 'mail'), hostName: 'imap-test' });
  const attempts: ImapTestServer['attempts'] = [];
  const failures = new Map<string, number>();
  const authenticate: AuthenticateMailLogin = async (
    login,
    password,
    clientAddress,
  ): Promise<MailLoginResult> => {
    attempts.push({ user: login, clientAddress });
    if ((failures.get(clientAddress) ?? 0) >= (settings.throttleAfter ?? Number.POSITIVE_INFINITY)) {
      return { ok: false, reason: 'throttled', message: 'too many failures', retryAfterMs: 30_000 };
    }
    const user = login.toLowerCase();
    if (testUsers[user] !== undefined && testUsers[user] === password) {
      return { ok: true, user, quotaBytes: settings.quotaBytes ?? testQuotaBytes, mailHost: 'store01' };
    }
    failures.set(clientAddress, (failures.get(clientAddress) ?? 0) + 1);
    return { ok: false, reason: 'invalid-credentials', message: 'invalid credentials' };
  };
  const server = new ImapServer({
    storage,
    authenticate,
    limits: { failedLoginDelayMs: 10, ...settings.limits },
    ...(settings.tls ? { tls: settings.tls } : {}),
    ...(settings.tlsPort !== undefined ? { tlsPort: settings.tlsPort } : {}),
    ...(settings.allowPlaintextAuth !== undefined ? { allowPlaintextAuth: settings.allowPlaintextAuth } : {}),
    ...(settings.trustLoopback !== undefined ? { trustLoopback: settings.trustLoopback } : {}),
    ...(settings.log ? { log: settings.log } : {}),
  });
  await server.start();
  return {
    server,
    storage,
    dir,
    attempts,
    stop: async () => {
      await server.stop();
      await storage.close();
      if (!settings.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
