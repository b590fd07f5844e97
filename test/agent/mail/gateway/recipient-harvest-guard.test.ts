import { describe, expect, it } from 'vitest';
import { RecipientHarvestGuard } from '../../../../agent/mail/gateway/recipient-harvest-guard.js';
import { SmtpInputError } from '../../../../agent/mail/gateway/smtp-refusal.js';

describe('RecipientHarvestGuard', () => {
  it('drops a client past the threshold within the window, with 421', () => {
    let now = 0;
    const guard = new RecipientHarvestGuard({ clock: { now: () => now }, threshold: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i += 1) {
      expect(guard.recordUnknownRecipient('192.0.2.7').action).toBe('continue');
      now += 1000;
    }
    const verdict = guard.recordUnknownRecipient('192.0.2.7');
    expect(verdict.action).toBe('drop');
    if (verdict.action !== 'drop') throw new Error('unreachable');
    expect(verdict.reply).toMatchObject({ code: 421, enhanced: '4.7.0' });
    expect(verdict.reply.message).toMatch(/too many unknown recipients/);
    expect(guard.check('192.0.2.7').action).toBe('drop');
    // Another address of the same /24 is another client (IPv4 counts per address).
    expect(guard.check('192.0.2.8').action).toBe('continue');
    expect(guard.blockedClients()).toEqual(['192.0.2.7']);
  });

  it('counts in a sliding window: old rejections fall out', () => {
    let now = 0;
    const guard = new RecipientHarvestGuard({ clock: { now: () => now }, threshold: 3, windowMs: 60_000 });
    for (let i = 0; i < 10; i += 1) {
      expect(guard.recordUnknownRecipient('198.51.100.1').action).toBe('continue');
      now += 25_000; // never more than 3 within 60 s
    }
  });

  it('lifts the block after blockMs', () => {
    let now = 0;
    const guard = new RecipientHarvestGuard({ clock: { now: () => now }, threshold: 1, blockMs: 120_000 });
    guard.recordUnknownRecipient('203.0.113.9');
    expect(guard.recordUnknownRecipient('203.0.113.9').action).toBe('drop');
    now += 119_999;
    expect(guard.check('203.0.113.9').action).toBe('drop');
    now += 1;
    expect(guard.check('203.0.113.9').action).toBe('continue');
    expect(guard.recordUnknownRecipient('203.0.113.9').action).toBe('continue');
  });

  it('counts an IPv6 /64 as one client', () => {
    const guard = new RecipientHarvestGuard({ clock: { now: () => 0 }, threshold: 2 });
    guard.recordUnknownRecipient('2001:db8:1:2::1');
    guard.recordUnknownRecipient('2001:db8:1:2::2');
    expect(guard.recordUnknownRecipient('2001:db8:1:2:ffff::3').action).toBe('drop');
    expect(guard.check('2001:db8:1:3::1').action).toBe('continue');
  });

  it('tracks a bounded number of clients, forgetting the least recently seen', () => {
    const guard = new RecipientHarvestGuard({ clock: { now: () => 0 }, threshold: 1, maxClients: 2 });
    guard.recordUnknownRecipient('10.0.0.1');
    guard.recordUnknownRecipient('10.0.0.2');
    guard.recordUnknownRecipient('10.0.0.1'); // 10.0.0.1 now blocked and most recent
    guard.recordUnknownRecipient('10.0.0.3'); // evicts 10.0.0.2
    expect(guard.recordUnknownRecipient('10.0.0.2').action).toBe('continue');
    expect(guard.check('10.0.0.1').action).toBe('continue'); // evicted by 10.0.0.2: bounded memory wins
  });

  it('refuses a client address that is not an IP with an SMTP error', () => {
    const guard = new RecipientHarvestGuard({ clock: { now: () => 0 } });
    expect(() => guard.recordUnknownRecipient('evil\r\n')).toThrow(SmtpInputError);
  });
});
