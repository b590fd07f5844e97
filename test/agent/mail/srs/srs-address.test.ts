/**
 * The director's SRS addresses against Debian's postsrsd (the reference Postfix users run): with
 * the same secret and domain on the same day both write the same SRS0 and SRS1 addresses and each
 * leads the other's back; forged hashes, garbled addresses and stamps older than 21 days are
 * refused; the null sender and our own domain are never rewritten; old secrets still verify; the
 * secrets file is made once, 0600.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SrsRewriter, srsMaxAgeDays } from '../../../../agent/mail/srs/srs-address.js';
import { loadSrsSecrets } from '../../../../agent/mail/srs/srs-secrets.js';
import { forgedSrsHash } from '../../../support/forged-srs.js';
import { startPostsrsd, type TestPostsrsd } from '../../../support/postsrsd.js';

const day = 86_400_000;
const domain = 'director01.univ.example';
const secret = 'dGhlLXRlc3Qtc2VjcmV0LW9mLXRoZS1kaXJlY3Rvcg==';

describe('SRS addresses, checked against postsrsd', () => {
  let postsrsd: TestPostsrsd;
  const ours = (now = Date.now(), secrets = [secret]) => new SrsRewriter({ domain, secrets, now: () => now });

  beforeAll(async () => {
    postsrsd = await startPostsrsd(domain, [secret]);
  });
  afterAll(async () => {
    await postsrsd?.stop();
  });

  it('writes the SRS0 address postsrsd writes, and each leads the other back', async () => {
    const srs = ours();
    const rewritten = srs.forward('Sender.Name@Outside.example');
    expect(rewritten).toMatch(
      /^SRS0=[A-Za-z0-9+/]{4}=[A-Z2-7]{2}=Outside\.example=Sender\.Name@director01\.univ\.example$/,
    );
    expect(await postsrsd.forward('Sender.Name@Outside.example')).toBe(`200 ${rewritten}`);
    expect(await postsrsd.reverse(rewritten)).toBe('200 Sender.Name@Outside.example');
    const theirs = (await postsrsd.forward('friend+tag@beta.example.org')).slice(4);
    expect(srs.reverse(theirs)).toEqual({ ok: true, address: 'friend+tag@beta.example.org' });
    // Some relays lower-case the whole address; the hash is still ours (as libsrs2 accepts it).
    expect(srs.reverse(rewritten.toLowerCase())).toEqual({
      ok: true,
      address: 'sender.name@outside.example',
    });
  });

  it("records one hop for another forwarder's SRS0 (SRS1), as postsrsd does, and leads it back to that forwarder", async () => {
    const srs = ours();
    const first = 'SRS0=xY9z=J2=origin.example=alice@forwarder.example';
    const once = srs.forward(first);
    expect(once).toBe((await postsrsd.forward(first)).slice(4));
    expect(once).toMatch(
      /^SRS1=[A-Za-z0-9+/]{4}=forwarder\.example==xY9z=J2=origin\.example=alice@director01\.univ\.example$/,
    );
    expect(srs.reverse(once)).toEqual({ ok: true, address: first });
    expect(await postsrsd.reverse(once)).toBe(`200 ${first}`);
    // An SRS1 of a further hop keeps the first forwarder and gets our hash.
    const further = 'SRS1=QQQQ=forwarder.example==xY9z=J2=origin.example=alice@hop2.example';
    const twice = srs.forward(further);
    expect(twice).toBe((await postsrsd.forward(further)).slice(4));
    expect(srs.reverse(twice)).toEqual({ ok: true, address: first });
  });

  it('never rewrites the null sender or an address of the SRS domain itself', async () => {
    const srs = ours();
    expect(srs.forward('')).toBe('');
    expect(srs.forward(`postmaster@${domain}`)).toBe(`postmaster@${domain}`);
    expect(await postsrsd.forward(`postmaster@${domain}`)).toBe(`200 postmaster@${domain}`);
    expect(srs.isSrsAddress('SRS0=abcd=J2=a.example=b@other.example')).toBe(false);
    expect(srs.isSrsAddress(`srs0=abcd=J2=a.example=b@${domain.toUpperCase()}`)).toBe(true);
  });

  it('refuses a forged hash, a garbled address and a stamp older than 21 days, like postsrsd', async () => {
    const now = Date.now();
    const rewritten = ours(now).forward('sender@outside.example');
    const fake = forgedSrsHash(rewritten);
    expect(ours(now).reverse(fake)).toEqual({ ok: false, reason: 'bad hash' });
    expect(await postsrsd.reverse(fake)).toMatch(/^500 /);
    const garbled = `SRS0=${rewritten.slice(5, 9)}=J2=outside.example@${domain}`;
    expect(ours(now).reverse(garbled)).toEqual({ ok: false, reason: 'malformed' });
    // A stranger's own SRS1 pointing anywhere, without our hash.
    expect(ours(now).reverse(`SRS1=AAAA=victim.example==AAAA=J2=anywhere.example=x@${domain}`)).toEqual({
      ok: false,
      reason: 'bad hash',
    });
    // Written 21 days ago: still led back; 22 days ago: refused, by us and by postsrsd.
    expect(ours(now).reverse(ours(now - srsMaxAgeDays * day).forward('sender@outside.example'))).toEqual({
      ok: true,
      address: 'sender@outside.example',
    });
    const old = ours(now - (srsMaxAgeDays + 1) * day).forward('sender@outside.example');
    expect(ours(now).reverse(old)).toEqual({ ok: false, reason: 'expired' });
    expect(await postsrsd.reverse(old)).toMatch(/^500 /);
    // A stamp from the future (a wrong clock, or a guess) counts as old, not as fresh.
    expect(ours(now).reverse(ours(now + 2 * day).forward('sender@outside.example'))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('still leads back addresses signed with an old secret after a change, and signs with the new one', () => {
    const now = Date.now();
    const before = ours(now, ['old-secret']).forward('sender@outside.example');
    const changed = ours(now, ['new-secret', 'old-secret']);
    expect(changed.reverse(before)).toEqual({ ok: true, address: 'sender@outside.example' });
    const after = changed.forward('sender@outside.example');
    expect(after).not.toBe(before);
    expect(ours(now, ['old-secret']).reverse(after)).toEqual({ ok: false, reason: 'bad hash' });
  });

  it('makes the secrets file once, mode 0600, and reads every line of it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mailfleet-srs-'));
    try {
      const path = join(dir, 'srs-secrets');
      const [made, ...more] = await loadSrsSecrets(path);
      expect(more).toEqual([]);
      expect(Buffer.from(made as string, 'base64')).toHaveLength(32);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect(await loadSrsSecrets(path)).toEqual([made]);
      await writeFile(path, `new-one\n${await readFile(path, 'utf8')}`);
      expect(await loadSrsSecrets(path)).toEqual(['new-one', made]);
      await writeFile(path, '\n# nothing\n');
      await expect(loadSrsSecrets(path)).rejects.toThrow(/holds no secret/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
