/**
 * The director's DKIM private keys: one PEM file per key, `<dir>/<domain>/<selector>.pem`, mode
 * 0600 in directories of mode 0700, written durably (fsynced before the directory value that names
 * the selector can exist). Only the public half ever leaves this file (as a DkimKeyValue for the
 * directory); the private key is read here to sign and is never logged or returned by an RPC.
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fsyncDirectory, isMissing, readdirOrEmpty, writeFileSynced } from '../../../common/durable-fs.js';
import { type DkimAlgorithm, type DkimKeyValue, isDkimSelector } from './dkim-key-value.js';

const generate = promisify(generateKeyPair);

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo; the 32 octets after it are the raw key. */
const ed25519SpkiPrefixBytes = 12;

/** A domain name as a directory name: lower case, DNS characters only (no path tricks). */
function domainDir(root: string, domain: string): string {
  const name = domain.toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?$/.test(name) || name.includes('..'))
    throw new Error(`not a mail domain name: ${domain}`);
  return join(root, name);
}

/** The DNS `p=` of a public key: SPKI for RSA (RFC 6376), the raw 32 octets for Ed25519 (RFC 8463). */
export function dnsPublicKey(publicKey: KeyObject): string {
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return (publicKey.asymmetricKeyType === 'ed25519' ? spki.subarray(ed25519SpkiPrefixBytes) : spki).toString(
    'base64',
  );
}

/** Private keys on the director's disk. */
export class DkimKeyFiles {
  constructor(private readonly root: string) {}

  /**
   * Makes a key pair (RSA 2048 or Ed25519), writes the private key (0600, fsynced) and returns the
   * directory value for it, in state `pending`. The selector says the date and the algorithm
   * (`mf20261207r…` / `mf20261207e…`) plus 4 random hex digits, so two rotations on one day differ.
   */
  async create(domain: string, algorithm: DkimAlgorithm, now: Date): Promise<DkimKeyValue> {
    const { publicKey, privateKey } =
      algorithm === 'rsa-sha256'
        ? await generate('rsa', { modulusLength: 2048 })
        : await generate('ed25519', {});
    const day = now.toISOString().slice(0, 10).replaceAll('-', '');
    const random = Math.floor(Math.random() * 0x10000)
      .toString(16)
      .padStart(4, '0');
    const selector = `mf${day}${algorithm === 'rsa-sha256' ? 'r' : 'e'}${random}`;
    const dir = domainDir(this.root, domain);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // mkdir's mode is masked by the umask and leaves an existing directory alone.
    await chmod(this.root, 0o700);
    await chmod(dir, 0o700);
    await writeFileSynced(
      join(dir, `${selector}.pem`),
      privateKey.export({ type: 'pkcs8', format: 'pem' }),
      0o600,
    );
    await fsyncDirectory(dir);
    return {
      selector,
      algorithm,
      state: 'pending',
      created: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      publicKey: dnsPublicKey(publicKey),
    };
  }

  /** The PEM private key of a selector, or undefined when this director does not hold it. */
  async privateKey(domain: string, selector: string): Promise<string | undefined> {
    if (!isDkimSelector(selector)) return undefined;
    try {
      return await readFile(join(domainDir(this.root, domain), `${selector}.pem`), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** Selectors this director holds a private key for, per domain. */
  async selectors(domain: string): Promise<string[]> {
    return (await readdirOrEmpty(domainDir(this.root, domain)))
      .filter((name) => name.endsWith('.pem'))
      .map((name) => name.slice(0, -'.pem'.length));
  }

  /** Deletes the private keys of a domain that `keep` does not name (keys retired and expired). */
  async removeExcept(domain: string, keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const selector of await this.selectors(domain)) {
      if (keep.has(selector)) continue;
      await rm(join(domainDir(this.root, domain), `${selector}.pem`), { force: true });
      removed.push(selector);
    }
    if (removed.length > 0) await fsyncDirectory(domainDir(this.root, domain));
    return removed;
  }
}
