/**
 * The node's SSH host key: read from its file, or generated (ed25519) on first start. The private
 * half never leaves this process and is never logged; the public half is what the directory pins.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { generateEd25519KeyPair } from '../common/rpc/ssh-key-generation.js';
import {
  formatSshPublicKey,
  publicKeyOfPrivate,
  type SshPublicKey,
  sshFingerprint,
} from '../common/rpc/ssh-public-key.js';

/** A loaded host key. */
export interface HostKey {
  /** OpenSSH private key (PEM). Keep it in this process. */
  privateKey: string;
  publicKey: SshPublicKey;
  /** OpenSSH one-line public key, as published in the server entry. */
  publicLine: string;
  /** `SHA256:...` */
  fingerprint: string;
  /** Whether this start created the key. */
  created: boolean;
}

/** Loads the host key at `path`, creating it (mode 0600) if the file does not exist. */
export async function loadOrCreateHostKey(path: string, comment: string): Promise<HostKey> {
  let privateKey: string;
  let created = false;
  try {
    privateKey = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    privateKey = generateEd25519KeyPair(comment).private;
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    try {
      // 'wx': if another start won the race, use its key rather than overwrite it.
      await writeFile(path, privateKey, { mode: 0o600, flag: 'wx' });
      created = true;
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError;
      privateKey = await readFile(path, 'utf8');
    }
  }
  const publicKey = publicKeyOfPrivate(privateKey);
  return {
    privateKey,
    publicKey,
    publicLine: formatSshPublicKey(publicKey, comment),
    fingerprint: sshFingerprint(publicKey),
    created,
  };
}
