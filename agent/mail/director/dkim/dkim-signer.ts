/**
 * DKIM signing at the director (mailauth's signer: relaxed/relaxed, one signature per active key of
 * the From: domain, so rsa-sha256 and ed25519-sha256 side by side). The domain's keys come from the
 * directory (`mailfleetDkimKey`, cached 60 s), the private keys from the director's disk
 * (dkim-key-files.ts); a selector whose private key this director does not hold is skipped and
 * logged once. Never logs a key.
 */
import type { Clock } from '../../../common/clock.js';
import type { FleetDirectory } from '../../../common/directory/fleet-directory.js';
import type { DkimKeyFiles } from './dkim-key-files.js';
import { type DkimKeyValue, parseDkimKeyValue } from './dkim-key-value.js';

/** Headers signed: RFC 6376 5.4.1's list, and those a reader sees, so none can be added unnoticed. */
const signedHeaders = [
  'From',
  'Sender',
  'Reply-To',
  'Subject',
  'Date',
  'Message-ID',
  'To',
  'Cc',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
  'In-Reply-To',
  'References',
  'List-Id',
  'List-Unsubscribe',
];

const cacheMs = 60_000;

/** What signing did. */
export interface DkimSigning {
  /** The message with DKIM-Signature headers in front (the input unchanged when nothing signed). */
  message: Buffer;
  /** Selectors that signed. */
  selectors: string[];
}

/** Signs outbound mail with the From: domain's active keys. */
export class DkimSigner {
  private domains: { at: number; keys: Map<string, DkimKeyValue[]> } | undefined;
  private readonly reported = new Set<string>();

  constructor(
    private readonly options: {
      directory: Pick<FleetDirectory, 'listDomains'>;
      keyFiles: DkimKeyFiles;
      clock: Clock;
      log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void;
    },
  ) {}

  /** The domain's keys from the directory (cached); values that do not parse are reported once. */
  async keysOf(domain: string): Promise<DkimKeyValue[]> {
    const now = this.options.clock.now();
    if (!this.domains || now - this.domains.at > cacheMs) {
      const keys = new Map<string, DkimKeyValue[]>();
      for (const entry of await this.options.directory.listDomains()) {
        const values: DkimKeyValue[] = [];
        for (const text of entry.dkimKeys ?? []) {
          const parsed = parseDkimKeyValue(text);
          if (parsed instanceof Error)
            this.reportOnce(`${entry.name} ${text}`, 'a DKIM key value cannot be used', {
              domain: entry.name,
              why: parsed.message,
            });
          else values.push(parsed);
        }
        keys.set(entry.name, values);
      }
      this.domains = { at: now, keys };
    }
    return this.domains.keys.get(domain.toLowerCase()) ?? [];
  }

  /** Forgets the cached keys (after a rotation written by this process). */
  invalidate(): void {
    this.domains = undefined;
  }

  /** Signs `message` for `domain` with every active key held here; unchanged when there is none. */
  async sign(message: Buffer, domain: string): Promise<DkimSigning> {
    const signatureData = [];
    for (const key of await this.keysOf(domain)) {
      if (key.state !== 'active') continue;
      const privateKey = await this.options.keyFiles.privateKey(domain, key.selector);
      if (!privateKey) {
        this.reportOnce(
          `${domain} ${key.selector} missing`,
          'an active DKIM key is not on this director: not signed with it',
          {
            domain,
            selector: key.selector,
          },
        );
        continue;
      }
      signatureData.push({
        signingDomain: domain.toLowerCase(),
        selector: key.selector,
        privateKey,
        algorithm: key.algorithm,
        canonicalization: 'relaxed/relaxed',
      });
    }
    if (signatureData.length === 0) return { message, selectors: [] };
    // Loaded on first use: only the director signs, and every agent would pay for loading it at start.
    const { dkimSign } = await import('mailauth/lib/dkim/sign.js');
    const result = await dkimSign(message, {
      // Required by the type for the single-key form; each signatureData entry carries its own.
      signingDomain: domain.toLowerCase(),
      selector: signatureData[0]?.selector ?? '',
      privateKey: signatureData[0]?.privateKey ?? '',
      canonicalization: 'relaxed/relaxed',
      headerList: signedHeaders,
      signTime: new Date(this.options.clock.now()),
      signatureData,
    });
    if (result.errors?.length) {
      // The errors name the selector and what failed, not the key.
      throw new Error(
        `DKIM signing failed for ${domain}: ${result.errors.map((e) => (e as Error).message ?? String(e)).join('; ')}`,
      );
    }
    return {
      message: Buffer.concat([Buffer.from(result.signatures), message]),
      selectors: signatureData.map((s) => s.selector),
    };
  }

  private reportOnce(key: string, message: string, fields: Record<string, unknown>): void {
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.options.log?.('warn', message, fields);
  }
}
