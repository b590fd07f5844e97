/**
 * OpenSSH public keys as the fleet stores them (`ssh-ed25519 AAAA... comment`): parsing, comparing by
 * algorithm and key blob (never by comment), and the SHA256 fingerprints administrators compare by eye.
 */
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';

/** A public key reduced to what identifies it. */
export interface SshPublicKey {
  /** Key type as written in the blob, e.g. `ssh-ed25519`, `ssh-rsa`. */
  algorithm: string;
  /** SSH wire-format public key blob. */
  blob: Buffer;
}

/** Parses an OpenSSH one-line public key, or a wire-format blob; undefined when it is not a key. */
export function parseSshPublicKey(text: string | Buffer): SshPublicKey | undefined {
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) return undefined;
  return { algorithm: parsed.type, blob: parsed.getPublicSSH() };
}

/** Whether two keys are the same key (algorithm and blob; comments do not matter). */
export function sameSshKey(a: SshPublicKey, b: SshPublicKey): boolean {
  return a.algorithm === b.algorithm && a.blob.equals(b.blob);
}

/** The `SHA256:...` fingerprint `ssh-keygen -lf` prints for this key. */
export function sshFingerprint(key: SshPublicKey | Buffer): string {
  const blob = Buffer.isBuffer(key) ? key : key.blob;
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH one-line form of a key, with an optional comment. */
export function formatSshPublicKey(key: SshPublicKey, comment?: string): string {
  const line = `${key.algorithm} ${key.blob.toString('base64')}`;
  return comment ? `${line} ${comment}` : line;
}

/** The public half of a private key (OpenSSH PEM), or an error saying the key cannot be read. */
export function publicKeyOfPrivate(privateKey: string | Buffer): SshPublicKey {
  const parsed = ssh2.utils.parseKey(privateKey);
  if (parsed instanceof Error) throw new Error(`unreadable private key: ${parsed.message}`);
  if (!parsed.isPrivateKey()) throw new Error('expected a private key, got a public key');
  return { algorithm: parsed.type, blob: parsed.getPublicSSH() };
}
