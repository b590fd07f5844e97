/**
 * The Sender Rewriting Scheme (SRS, Shevek's paper; the behaviour of libsrs2 as postsrsd runs it):
 * a forwarded copy leaves with an envelope sender in our SRS domain, so the receiver's SPF check
 * asks our domain, and a bounce to that address can be led back to the original sender, but only
 * when the address carries a hash made with our secret, and only for 21 days.
 *
 * - `sender@domain` -> `SRS0=HHHH=TT=domain=sender@<srs domain>`: HHHH the first 4 characters of
 *   the base64 HMAC-SHA1 (current secret) of TT, domain and local part (lower case), TT the day
 *   number modulo 1024 in base32;
 * - `SRS0=HHHH=TT=d=l@hop1` (already rewritten by another forwarder) ->
 *   `SRS1=GGGG=hop1==HHHH=TT=d=l@<srs domain>`: one hop recorded, the first forwarder's part kept;
 *   `SRS1=...@hopN` keeps its first hop and is rehashed with ours;
 * - the null sender and addresses already in the SRS domain are never rewritten.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** postsrsd's default: a bounce may come back for 21 days. */
export const srsMaxAgeDays = 21;

const hashLength = 4;
const dayMs = 86_400_000;
// Two base32 characters: the day number modulo 1024, as libsrs2 (SRS_TIME_SLOTS).
const timeSlots = 1024;
const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const srsPrefix = /^(SRS[01])[=+-](.*)$/i;

/** What a reversal says: the address the SRS address leads back to, or why it is refused. */
export type SrsReversal =
  | { ok: true; address: string }
  | { ok: false; reason: 'malformed' | 'bad hash' | 'expired' };

/** Why an SRS address is refused, in the words of the 550 reply. */
export const srsRefusalWords: Record<Extract<SrsReversal, { ok: false }>['reason'], string> = {
  malformed: 'it is malformed',
  'bad hash': 'its hash is not ours',
  expired: `it is older than ${srsMaxAgeDays} days`,
};

/** Options of {@link SrsRewriter}. */
export interface SrsRewriterOptions {
  /** The SRS domain: the domain of every rewritten sender, and the one bounces come back to. */
  domain: string;
  /**
   * The first signs; all are accepted on the way back (a change of secret keeps old bounces valid).
   * Empty only on a gateway waiting for the director's (it answers SRS recipients "try later").
   */
  secrets: readonly string[];
  /** Now, in ms since the epoch. */
  now: () => number;
}

/** Rewrites forwarded senders into the SRS domain and leads SRS addresses back. */
export class SrsRewriter {
  readonly domain: string;
  #secrets: readonly string[];
  readonly #now: () => number;

  constructor(options: SrsRewriterOptions) {
    this.domain = options.domain.toLowerCase();
    this.#secrets = [...options.secrets];
    this.#now = options.now;
  }

  /**
   * Takes the secrets in use from now on (a gateway's copy brought in step with the director's,
   * srs-secrets-copy.ts): the first signs, every one is accepted on the way back.
   */
  replaceSecrets(secrets: readonly string[]): void {
    if (secrets.length === 0) throw new Error('SRS needs at least one secret');
    this.#secrets = [...secrets];
  }

  /** Whether there is a secret to check a hash with (a gateway may still wait for the director's). */
  hasSecrets(): boolean {
    return this.#secrets.length > 0;
  }

  /** The envelope sender for a forwarded copy going to another domain. */
  forward(sender: string): string {
    if (this.#secrets.length === 0) throw new Error('SRS has no secret to sign with');
    const at = sender.lastIndexOf('@');
    // The null sender stays null (a bounce must never get a bounce); a bare name has no domain to check.
    if (sender === '' || at <= 0) return sender;
    const local = sender.slice(0, at);
    const host = sender.slice(at + 1);
    if (host.toLowerCase() === this.domain) return sender;
    const tagged = srsPrefix.exec(local);
    if (tagged?.[1]?.toUpperCase() === 'SRS1') {
      // SRS1=HHHH=hop1==rest (rest with its separator): keep the first forwarder's part, rehash with ours.
      const [, hop1, rest] = /^[^=]+=([^=]+)=(.*)$/.exec(tagged[2] as string) ?? [];
      if (hop1 !== undefined && rest !== undefined)
        return `SRS1=${this.hash(0, hop1, rest)}=${hop1}=${rest}@${this.domain}`;
    } else if (tagged) {
      // SRS0 of another forwarder: record that hop only; its own hash and time stay inside.
      const rest = local.slice(4);
      return `SRS1=${this.hash(0, host, rest)}=${host}=${rest}@${this.domain}`;
    }
    const stamp = this.timestamp();
    return `SRS0=${this.hash(0, stamp, host, local)}=${stamp}=${host}=${local}@${this.domain}`;
  }

  /** Whether a recipient is an SRS address of our domain (valid or not): such mail is SRS's to judge. */
  isSrsAddress(address: string): boolean {
    const at = address.lastIndexOf('@');
    return (
      at > 0 && address.slice(at + 1).toLowerCase() === this.domain && srsPrefix.test(address.slice(0, at))
    );
  }

  /** Where an SRS address of our domain leads back to, if its hash is ours and it is not too old. */
  reverse(address: string): SrsReversal {
    const at = address.lastIndexOf('@');
    const tagged = srsPrefix.exec(address.slice(0, at));
    if (at <= 0 || !tagged || address.slice(at + 1).toLowerCase() !== this.domain)
      return { ok: false, reason: 'malformed' };
    const body = tagged[2] as string;
    if (tagged[1]?.toUpperCase() === 'SRS1') {
      const [, hash, hop1, rest] = /^([^=]+)=([^=]+)=([=+-].*)$/.exec(body) ?? [];
      if (hash === undefined || hop1 === undefined || rest === undefined)
        return { ok: false, reason: 'malformed' };
      if (!this.hashValid(hash, hop1, rest)) return { ok: false, reason: 'bad hash' };
      return { ok: true, address: `SRS0${rest}@${hop1}` };
    }
    const [, hash, stamp, host, local] = /^([^=]+)=([^=]{2})=([^=]+)=(.+)$/.exec(body) ?? [];
    if (hash === undefined || stamp === undefined || host === undefined || local === undefined)
      return { ok: false, reason: 'malformed' };
    if (!this.hashValid(hash, stamp, host, local)) return { ok: false, reason: 'bad hash' };
    const age = this.ageInDays(stamp);
    if (age === undefined || age > srsMaxAgeDays) return { ok: false, reason: 'expired' };
    return { ok: true, address: `${local}@${host}` };
  }

  /** Where mail to `address` goes: the address an SRS address of ours leads back to, else itself. */
  returnTo(address: string): string {
    if (!this.isSrsAddress(address)) return address;
    const reversal = this.reverse(address);
    return reversal.ok ? reversal.address : address;
  }

  private timestamp(): string {
    const day = Math.floor(this.#now() / dayMs) % timeSlots;
    return `${base32[day >> 5]}${base32[day & 31]}`;
  }

  /** Days since the stamp (modulo 1024: a stamp "from the future" reads as about 1023 days old). */
  private ageInDays(stamp: string): number | undefined {
    let then = 0;
    for (const char of stamp.toUpperCase()) {
      const value = base32.indexOf(char);
      if (value < 0) return undefined;
      then = (then << 5) | value;
    }
    const today = Math.floor(this.#now() / dayMs) % timeSlots;
    return (today - then + timeSlots) % timeSlots;
  }

  private hash(secret: number, ...parts: string[]): string {
    const hmac = createHmac('sha1', this.#secrets[secret] as string);
    // libsrs2 hashes the lower-cased parts: a relay that changes the case still comes back.
    for (const part of parts) hmac.update(part.toLowerCase());
    return hmac.digest('base64').slice(0, hashLength);
  }

  private hashValid(hash: string, ...parts: string[]): boolean {
    const given = Buffer.from(hash.toUpperCase());
    if (given.length !== hashLength) return false;
    // Compared without case, as libsrs2 does: some relays lower-case the whole address.
    return this.#secrets.some((_, index) =>
      timingSafeEqual(Buffer.from(this.hash(index, ...parts).toUpperCase()), given),
    );
  }
}
