/**
 * The console's words: Japanese has every English key and a Japanese text for it (not the English
 * left in), placeholders match, and numbers and times follow the chosen locale.
 */
import { describe, expect, it } from 'vitest';
import { messagesEn } from '../../renderer/src/i18n/messages-en';
import { messagesJa } from '../../renderer/src/i18n/messages-ja';
import { textForms } from '../../renderer/src/i18n/plural-text';
import { browserLocale, translator } from '../../renderer/src/i18n/translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** Strings that are the same in both languages on purpose. */
const sameInBoth = new Set(['locale.ja', 'locale.en', 'figure.cpu', 'figure.servicesValue']);

describe('translations', () => {
  it('has a Japanese text for every key, with the same placeholders', () => {
    expect(Object.keys(messagesJa).sort()).toEqual(Object.keys(messagesEn).sort());
    for (const [key, english] of Object.entries(messagesEn)) {
      const japanese = messagesJa[key as keyof typeof messagesJa];
      // Every English plural form has the placeholders of the one Japanese text.
      for (const form of textForms(english)) {
        expect(placeholders(japanese), key).toEqual(placeholders(form));
        if (!sameInBoth.has(key)) expect(japanese, key).not.toBe(form);
      }
    }
  });

  it('chooses the English plural form by the count and formats the count in both languages', () => {
    const en = translator('en');
    const ja = translator('ja');
    const question = (n: number) => ({ n, node: 'director01', what: 'all' });
    expect(en.t('queues.action.delete.done', question(1))).toBe(
      '1 message was deleted from the queue of director01.',
    );
    expect(en.t('queues.action.delete.done', question(0))).toBe(
      '0 messages were deleted from the queue of director01.',
    );
    expect(en.t('queues.action.delete.done', question(1234))).toBe(
      '1,234 messages were deleted from the queue of director01.',
    );
    // Japanese has one form; the count gets the same grouping.
    expect(ja.t('queues.action.delete.done', question(1))).toBe(
      'director01 のキューから 1 通のメールを削除しました。',
    );
    expect(ja.t('queues.action.delete.done', question(1234))).toContain('1,234 通');
    expect(en.t('dir.domainUsers', { n: 1 })).toBe('1 user');
    expect(en.t('dir.domainUsers', { n: 40000 })).toBe('40,000 users');
    expect(en.t('dir.groups.memberCount', { n: 1 })).toBe('1 member');
    // The count of this one is the total, not the first figure.
    expect(en.t('dir.count', { shown: '1', total: 1 })).toBe('1 of 1 user matches');
    expect(en.t('dir.count', { shown: '1', total: 50 })).toBe('1 of 50 users match');
    expect(en.t('audit.count', { n: 1 })).toBe('1 entry');
    expect(en.t('figure.quotaValue', { n: 1 })).toBe('1 mailbox');
    expect(en.t('figure.quotaValue', { n: 3 })).toBe('3 mailboxes');
    expect(en.t('chart.funnel.gateways', { n: 1 })).toBe('from 1 gateway');
    expect(en.t('chart.funnel.gateways', { n: 2 })).toBe('sum of 2 gateways');
  });

  it('has no English count text left without plural forms', () => {
    // A count placeholder followed by a plural noun in a plain string is the "1 messages" mistake.
    const counted = /\{(n|value|total)\} (messages|users|members|entries|mailboxes|gateways|recipients)\b/;
    // Alarm limits: these counts are always over their limit (1,000 messages, 500 recipients), never 1.
    const neverOne = new Set([
      'alarm.queue-messages',
      'alarm.queue-deferred',
      'alarm.quota-near-limit.atLeast',
    ]);
    for (const [key, english] of Object.entries(messagesEn)) {
      if (typeof english === 'string' && !neverOne.has(key)) expect(english, key).not.toMatch(counted);
    }
  });

  it('fills placeholders and formats numbers, shares and times per locale', () => {
    const ja = translator('ja');
    const en = translator('en');
    expect(ja.t('role.count', { up: 2, total: 3 })).toBe('3 台中 2 台が応答');
    expect(en.t('role.count', { up: 2, total: 3 })).toBe('2 of 3 answering');
    expect(en.number(40000)).toBe('40,000');
    expect(ja.number(40000)).toBe('40,000');
    expect(en.number(1.25, 1)).toBe('1.3');
    expect(ja.percent(0.93)).toBe('93%');
    expect(ja.duration(12_000)).toBe('12秒');
    expect(en.duration(600_000)).toBe('10 min');
    expect(ja.duration(3 * 3600_000)).toBe('3時間');
    const noon = new Date(2026, 11, 1, 13, 5, 9).getTime();
    expect(ja.time(noon)).toBe('13:05:09');
    expect(en.time(noon)).toBe('13:05:09');
  });

  it('picks Japanese for a Japanese browser, English otherwise', () => {
    expect(browserLocale(['ja-JP', 'en-US'])).toBe('ja');
    expect(browserLocale(['ja'])).toBe('ja');
    expect(browserLocale(['en-GB', 'ja-JP'])).toBe('en');
    expect(browserLocale([])).toBe('en');
  });
});
