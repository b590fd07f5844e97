/**
 * The console's words: Japanese has every English key and a Japanese text for it (not the English
 * left in), placeholders match, and numbers and times follow the chosen locale.
 */
import { describe, expect, it } from 'vitest';
import { messagesEn } from '../../renderer/src/i18n/messages-en';
import { messagesJa } from '../../renderer/src/i18n/messages-ja';
import { browserLocale, translator } from '../../renderer/src/i18n/translate';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** Strings that are the same in both languages on purpose. */
const sameInBoth = new Set(['locale.ja', 'locale.en', 'figure.cpu', 'figure.servicesValue']);

describe('translations', () => {
  it('has a Japanese text for every key, with the same placeholders', () => {
    expect(Object.keys(messagesJa).sort()).toEqual(Object.keys(messagesEn).sort());
    for (const [key, english] of Object.entries(messagesEn)) {
      const japanese = messagesJa[key as keyof typeof messagesJa];
      expect(placeholders(japanese), key).toEqual(placeholders(english));
      if (!sameInBoth.has(key)) expect(japanese, key).not.toBe(english);
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
