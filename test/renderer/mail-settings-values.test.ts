/**
 * The "Mail settings" form's text fields to the write the console sends, and back: whole UTC days,
 * one forwarding address a line, keep a copy only with forwarding, a vacation without both days
 * held back before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import { fieldsOf, writeOf } from '../../renderer/src/views/directory/mail-settings-values.js';

const address = 'hanako.sato@example.ac.jp';

describe('mail settings form values', () => {
  it('turns the fields into the write, and the settings read back into the same fields', () => {
    const fields = {
      forwardTo: ' a@example.net \n\nb@example.org,c@example.com',
      keepCopy: true,
      vacationActive: true,
      vacationSubject: '不在',
      vacationBody: '1月6日に戻ります。',
      vacationStart: '2026-12-24',
      vacationEnd: '2027-01-06',
      spam: 'reject' as const,
      rejectScore: ' 12 ',
    };
    const write = writeOf(address, fields);
    expect(write).toEqual({
      address,
      forwardTo: ['a@example.net', 'b@example.org', 'c@example.com'],
      keepCopy: true,
      vacation: {
        active: true,
        subject: '不在',
        body: '1月6日に戻ります。',
        startsAt: Date.UTC(2026, 11, 24),
        endsAt: Date.UTC(2027, 0, 6),
      },
      spam: { mode: 'reject', rejectScore: 12 },
    });
    if (write === 'needDates') return;
    const { address: _a, ...settings } = write;
    expect(
      fieldsOf({ address, ...settings, vacation: settings.vacation ?? null, spam: settings.spam ?? null }),
    ).toEqual({
      ...fields,
      forwardTo: 'a@example.net\nb@example.org\nc@example.com',
      rejectScore: '12',
    });
  });

  it('sends nothing of a vacation with no field set, no keep-copy without forwarding, and holds back a vacation without days', () => {
    const off = fieldsOf({ address, forwardTo: [], keepCopy: false, vacation: null, spam: null });
    expect(writeOf(address, { ...off, keepCopy: true })).toEqual({ address, forwardTo: [], keepCopy: false });
    expect(writeOf(address, { ...off, vacationActive: true, vacationStart: '2026-12-24' })).toBe('needDates');
    expect(writeOf(address, { ...off, vacationSubject: 'x' })).toBe('needDates');
  });
});
