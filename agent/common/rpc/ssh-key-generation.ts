/**
 * Generates ed25519 key pairs with ssh2, checking each before use. ssh2 1.17's generator
 * occasionally (about 1 in 300) writes a key whose public half lost a leading zero byte (31 bytes
 * instead of 32); ssh2 itself then refuses to parse it. Such a key would make an agent fail to
 * start, or a lab admin unable to log in, so a bad pair is thrown away and a new one drawn.
 */
import ssh2 from 'ssh2';

/** An ed25519 key pair in OpenSSH form. */
export interface SshKeyPair {
  /** OpenSSH one-line public key (`ssh-ed25519 AAAA... comment`). */
  public: string;
  /** OpenSSH private key (PEM). Keep it in this process; never log it. */
  private: string;
}

const maxAttempts = 20;

/** A new ed25519 key pair that ssh2 (and OpenSSH) can read back. */
export function generateEd25519KeyPair(comment?: string): SshKeyPair {
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    if (isUsable(pair)) return { public: pair.public, private: pair.private };
  }
  throw new Error(`could not generate a readable ed25519 key in ${maxAttempts} attempts`);
}

function isUsable(pair: { public: string; private: string }): boolean {
  const privateKey = ssh2.utils.parseKey(pair.private);
  const publicKey = ssh2.utils.parseKey(pair.public);
  if (privateKey instanceof Error || publicKey instanceof Error) return false;
  // ssh-ed25519 blob: 4 + 11 (type) + 4 + 32 (key) bytes.
  const blob = privateKey.getPublicSSH();
  return blob.length === 51 && blob.equals(publicKey.getPublicSSH());
}
