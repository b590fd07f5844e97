import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clientNetwork } from '../../../../agent/mail/gateway/client-network.js';
import { greylistSender, parseEnvelopeAddress } from '../../../../agent/mail/gateway/envelope-address.js';
import { Greylist, type GreylistSettings } from '../../../../agent/mail/gateway/greylist.js';
import { GreylistJournal } from '../../../../agent/mail/gateway/greylist-journal.js';
import { SmtpInputError } from '../../../../agent/mail/gateway/smtp-refusal.js';

const minute = 60_000;

describe('client networks', () => {
  it('names the /24 of IPv4 and the /64 of IPv6', () => {
    expect(clientNetwork('203.0.113.77').network).toBe('203.0.113.0/24');
    expect(clientNetwork('::ffff:198.51.100.9')).toEqual({
      family: 4,
      address: '198.51.100.9',
      network: '198.51.100.0/24',
    });
    expect(clientNetwork('2001:db8:1:2:3:4:5:6').network).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:DB8::1').network).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::1').network).toBe('0:0:0:0::/64');
    expect(clientNetwork('64:ff9b::c000:201').network).toBe(clientNetwork('64:ff9b::192.0.2.1').network);
  });

  it('refuses what is not an IP address with 421 words', () => {
    for (const bad of ['', 'localhost', '1.2.3', '300.1.1.1', '::g', '1.2.3.4\r\n']) {
      expect(() => clientNetwork(bad), bad).toThrow(SmtpInputError);
    }
    try {
      clientNetwork('nonsense');
    } catch (error) {
      expect((error as SmtpInputError).reply.code).toBe(421);
    }
  });
});

describe('envelope addresses', () => {
  it('lower-cases, strips brackets, and normalises senders for greylisting', () => {
    expect(parseEnvelopeAddress('<Taro@ENG.Univ.Example>', 'recipient')).toBe('taro@eng.univ.example');
    expect(greylistSender('')).toBe('<>');
    expect(greylistSender('<>')).toBe('<>');
    expect(greylistSender('prvs=1234abcd=Owner@Lists.Example.org')).toBe('owner@lists.example.org');
    expect(greylistSender('bounce-4711-99@news.example')).toBe('bounce-#-#@news.example');
    expect(parseEnvelopeAddress('"odd name"@example.org', 'sender')).toBe('"odd name"@example.org');
  });

  it('refuses malformed addresses with 501 and words, never a crash', () => {
    const cases = [
      'no-at-sign',
      '@example.org',
      'user@',
      'user@nodot',
      'us er@example.org',
      'a..b@example.org',
      'user@exa_mple.org',
      'user@-bad.example',
      `${'x'.repeat(65)}@example.org`,
      `user@${'a'.repeat(250)}.org`,
      'user\r\n@example.org',
      'user@example.org\u0000',
      '<>',
    ];
    for (const bad of cases) {
      let caught: unknown;
      try {
        parseEnvelopeAddress(bad, 'recipient');
      } catch (error) {
        caught = error;
      }
      expect(caught, bad).toBeInstanceOf(SmtpInputError);
      const reply = (caught as SmtpInputError).reply;
      expect(reply.code).toBe(501);
      expect(reply.enhanced).toBe('5.1.3');
      expect(reply.message).toMatch(/^malformed recipient address: /);
    }
    expect(() => greylistSender('bad sender@x.org')).toThrow(/5\.1\.7 malformed sender address/);
  });
});

describe('Greylist', () => {
  let now: number;
  const clock = { now: () => now };
  let dir: string;

  beforeEach(() => {
    now = Date.UTC(2026, 10, 28, 5, 0, 0);
    dir = mkdtempSync(join(tmpdir(), 'greylist-test-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function greylist(settings: Partial<GreylistSettings> = {}, journaled = false): Greylist {
    const g = new Greylist({
      clock,
      settings,
      ...(journaled ? { journal: new GreylistJournal({ dir }) } : {}),
    });
    g.open();
    return g;
  }

  it('defers the first attempt with 451 4.7.1, again if too early, and passes after the delay', () => {
    const g = greylist();
    const first = g.decide('203.0.113.5', 'alice@example.org', 'taro@univ.example');
    expect(first.action).toBe('defer');
    if (first.action !== 'defer') throw new Error('unreachable');
    expect(first.reason).toBe('first-attempt');
    expect(first.reply.code).toBe(451);
    expect(first.reply.enhanced).toBe('4.7.1');
    expect(first.reply.message).toMatch(/Greylisted.*retry in 300 seconds/);

    now += 2 * minute;
    const early = g.decide('203.0.113.5', 'alice@example.org', 'taro@univ.example');
    expect(early).toMatchObject({ action: 'defer', reason: 'retried-too-early', retryAfterMs: 3 * minute });

    now += 3 * minute;
    // Another host of the same /24, sender in other case: the same triplet.
    expect(g.decide('203.0.113.200', 'ALICE@example.org', 'Taro@univ.example')).toMatchObject({
      action: 'pass',
      reason: 'retried-after-delay',
      network: '203.0.113.0/24',
    });
    now += 10 * minute;
    expect(g.decide('203.0.113.5', 'alice@example.org', 'taro@univ.example').reason).toBe('known-triplet');
    // Another recipient or another network is a new triplet.
    expect(g.decide('203.0.113.5', 'alice@example.org', 'hanako@univ.example').action).toBe('defer');
    expect(g.decide('203.0.114.5', 'alice@example.org', 'taro@univ.example').action).toBe('defer');
  });

  it('uses a configurable delay and handles the null sender', () => {
    const g = greylist({ minDelayMs: 30_000 });
    expect(g.decide('2001:db8::1', '', 'taro@univ.example').action).toBe('defer');
    now += 30_000;
    expect(g.decide('2001:db8::ffff', '<>', 'taro@univ.example')).toMatchObject({
      action: 'pass',
      network: '2001:db8:0:0::/64',
    });
  });

  it('starts over when the retry comes after the retry window', () => {
    // No sweep in between, so the greylist still knows the triplet it is starting over.
    const g = greylist({ retryWindowMs: 60 * minute, sweepIntervalMs: 86_400_000 });
    g.decide('198.51.100.1', 'a@example.org', 'b@univ.example');
    now += 61 * minute;
    expect(g.decide('198.51.100.1', 'a@example.org', 'b@univ.example')).toMatchObject({
      action: 'defer',
      reason: 'retry-window-expired',
    });
    now += 5 * minute;
    expect(g.decide('198.51.100.1', 'a@example.org', 'b@univ.example').action).toBe('pass');
  });

  it('whitelists a client network after N passes', () => {
    const g = greylist({ whitelistAfterPasses: 3 });
    for (let i = 0; i < 3; i += 1) g.decide('192.0.2.1', `s${i}@example.org`, 'r@univ.example');
    now += 6 * minute;
    for (let i = 0; i < 3; i += 1) {
      expect(g.decide('192.0.2.1', `s${i}@example.org`, 'r@univ.example').action).toBe('pass');
    }
    expect(g.counts().whitelistedNetworks).toBe(1);
    expect(g.decide('192.0.2.99', 'new@other.example', 'x@univ.example')).toMatchObject({
      action: 'pass',
      reason: 'whitelisted-network',
    });
    expect(g.decide('192.0.3.1', 'new@other.example', 'x@univ.example').action).toBe('defer');
  });

  it('expires passed triplets and whitelisted networks that went unused', () => {
    const g = greylist({
      passedLifetimeMs: 60 * minute,
      whitelistAfterPasses: 1,
      whitelistLifetimeMs: 90 * minute,
    });
    g.decide('192.0.2.1', 'a@example.org', 'b@univ.example');
    now += 5 * minute;
    g.decide('192.0.2.1', 'a@example.org', 'b@univ.example');
    expect(g.counts()).toMatchObject({ passedTriplets: 1, whitelistedNetworks: 1 });
    now += 91 * minute;
    expect(g.sweep()).toBe(2);
    expect(g.counts()).toEqual({
      pendingTriplets: 0,
      passedTriplets: 0,
      networks: 0,
      whitelistedNetworks: 0,
    });
    expect(g.decide('192.0.2.1', 'a@example.org', 'b@univ.example').reason).toBe('first-attempt');
  });

  it('sweeps expired entries during decisions, at most once per interval', () => {
    const g = greylist({ retryWindowMs: 60 * minute, sweepIntervalMs: 30 * minute });
    const add = (n: number): void => {
      g.decide('192.0.2.1', 'a@example.org', `r${n}@univ.example`);
    };
    add(1); // t0 (open() swept at t0)
    now += 25 * minute;
    add(2);
    now += 25 * minute;
    add(3); // t50: sweeps, nothing expired yet
    now += 11 * minute;
    add(4); // t61: the first expired, but the last sweep was 11 minutes ago
    expect(g.counts().pendingTriplets).toBe(4);
    now += 19 * minute;
    add(5); // t80: sweeps the first (the second is 55 minutes old)
    expect(g.counts().pendingTriplets).toBe(4);
  });

  it('answers malformed triplets with SMTP errors and keeps deciding', () => {
    const g = greylist({}, true);
    expect(() => g.decide('192.0.2.1', 'bad@@x', 'r@univ.example')).toThrow(SmtpInputError);
    expect(() => g.decide('192.0.2.1', 'a@example.org', 'no-domain')).toThrow(/501 5\.1\.3/);
    expect(() => g.decide('not-an-ip', 'a@example.org', 'r@univ.example')).toThrow(/421 4\.3\.0/);
    expect(g.decide('192.0.2.1', 'a@example.org', 'r@univ.example').action).toBe('defer');
    expect(g.counts().pendingTriplets).toBe(1);
    g.close();
  });

  it('keeps its state across a restart on the same files', () => {
    const before = greylist({ whitelistAfterPasses: 2 }, true);
    before.decide('192.0.2.1', 'a@example.org', 'r1@univ.example');
    before.decide('192.0.2.1', 'a@example.org', 'r2@univ.example');
    before.decide('198.51.100.1', 'c@example.org', 'r3@univ.example');
    now += 5 * minute;
    before.decide('192.0.2.1', 'a@example.org', 'r1@univ.example');
    before.decide('192.0.2.1', 'a@example.org', 'r2@univ.example');
    const counts = before.counts();
    before.close();

    const after = greylist({ whitelistAfterPasses: 2 }, true);
    expect(after.counts()).toEqual(counts);
    expect(after.decide('192.0.2.50', 'z@example.org', 'new@univ.example').reason).toBe(
      'whitelisted-network',
    );
    now += 1 * minute;
    // The pending triplet kept its first-seen time: 6 minutes have passed since.
    expect(after.decide('198.51.100.1', 'c@example.org', 'r3@univ.example').reason).toBe(
      'retried-after-delay',
    );
    after.close();
  });

  it('replays the log after a crash (no close) and stops at a torn last line', () => {
    const g = greylist({}, true);
    g.decide('192.0.2.1', 'a@example.org', 'r1@univ.example');
    g.decide('192.0.2.2', 'a@example.org', 'r2@univ.example');
    // A crash without close(): only what was flushed survives; flush as the timer would.
    (g as unknown as { options: { journal: GreylistJournal } }).options.journal.flush();
    const log = join(dir, 'greylist.log');
    writeFileSync(log, `${readFileSync(log, 'utf8')}{"t":"pending","k":"torn`);
    const after = greylist({}, true);
    expect(after.counts().pendingTriplets).toBe(2);
    // Compaction at open folded the log into the snapshot.
    expect(readFileSync(log, 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'greylist.snapshot'), 'utf8').trim().split('\n')).toHaveLength(2);
    after.close();
  });

  it('refuses a damaged snapshot rather than start with half the state', () => {
    writeFileSync(join(dir, 'greylist.snapshot'), '{"t":"pending","k":"x"}\n');
    expect(() => greylist({}, true)).toThrow(/snapshot line 1/);
  });
});
