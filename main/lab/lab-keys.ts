/**
 * Key and secret files for the lab. Private material is written with mode 0600 and never printed.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateEd25519KeyPair } from '../../agent/common/rpc/ssh-key-generation.js';

/** An OpenSSH key pair: `public` is the one-line form stored in the directory. */
export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
}

/** A new ed25519 key pair in OpenSSH format (checked readable: see ssh-key-generation.ts). */
export function generateSshKey(comment: string): SshKeyPair {
  const pair = generateEd25519KeyPair(comment);
  return { privateKey: pair.private, publicKey: pair.public.trim() };
}

/** A random password for service binds and lab users (URL-safe, 16 characters). */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Writes a secret file readable only by its owner. */
export async function writeSecret(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, content, { mode: 0o600 });
}

/** Writes `<path>` (private, 0600) and `<path>.pub`. */
export async function writeSshKey(path: string, pair: SshKeyPair): Promise<void> {
  await writeSecret(path, pair.privateKey);
  await writeFile(`${path}.pub`, `${pair.publicKey}\n`, { mode: 0o644 });
}
