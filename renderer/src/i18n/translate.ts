/**
 * Turning keys into words and figures into text in the chosen language: `{name}` placeholders,
 * plural forms chosen by Intl.PluralRules (English "1 message" / "2 messages"; Japanese has one
 * form), numbers and times through Intl for that locale (ja-JP, en-US).
 */
import type { ConsoleLocale } from '../../../main/console/console-contract';
import { type MessageKey, messagesEn } from './messages-en';
import { messagesJa } from './messages-ja';
import type { PluralText } from './plural-text';

type CatalogText = string | PluralText;

const catalogs: Record<ConsoleLocale, Record<MessageKey, CatalogText>> = { en: messagesEn, ja: messagesJa };

/**
 * The placeholder holding the count of a key, from the English catalog (the one with plural forms):
 * its value is given as a number and formatted here in every language, so a caller passes the count
 * itself and the Japanese text gets the same grouping ("1,234 通").
 */
function countNameOf(key: MessageKey): string | undefined {
  const english: CatalogText = messagesEn[key];
  return typeof english === 'string' ? undefined : (english.count ?? 'n');
}
const intlLocales: Record<ConsoleLocale, string> = { en: 'en-US', ja: 'ja-JP' };

/** Text and formatting for one language. */
export interface Translator {
  locale: ConsoleLocale;
  t(key: MessageKey, values?: Record<string, string | number>): string;
  number(value: number, fractionDigits?: number): string;
  percent(value: number): string;
  time(ms: number): string;
  /** A size in bytes in the largest fitting unit (812 B, 4.2 KB, 3.1 MB, 252 GB). */
  bytes(value: number): string;
  /** Date and time, for what may be days old (audit entries, queued mail). */
  dateTime(ms: number): string;
  /** A duration in the largest whole unit (12 s, 3 min, 2 h). */
  duration(ms: number): string;
}

const translators = new Map<ConsoleLocale, Translator>();

/** The translator for a language (cached: formatters are costly to build and rendered every second). */
export function translator(locale: ConsoleLocale): Translator {
  const cached = translators.get(locale);
  if (cached) return cached;
  const catalog = catalogs[locale];
  const numbers = [0, 1, 2].map(
    (digits) =>
      new Intl.NumberFormat(intlLocales[locale], { maximumFractionDigits: digits, minimumFractionDigits: 0 }),
  );
  const percent = new Intl.NumberFormat(intlLocales[locale], { style: 'percent', maximumFractionDigits: 0 });
  const time = new Intl.DateTimeFormat(intlLocales[locale], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  const dateTime = new Intl.DateTimeFormat(intlLocales[locale], {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  });
  const plurals = new Intl.PluralRules(intlLocales[locale]);
  const t = (key: MessageKey, values?: Record<string, string | number>) => {
    const text = catalog[key];
    const countName = countNameOf(key);
    const count = countName === undefined ? undefined : values?.[countName];
    const chosen =
      typeof text === 'string'
        ? text
        : (text[typeof count === 'number' ? plurals.select(count) : 'other'] ?? text.other);
    return chosen.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!values || !(name in values)) return whole;
      const value = values[name];
      return name === countName && typeof value === 'number' ? numbers[0]!.format(value) : String(value);
    });
  };
  const made: Translator = {
    locale,
    t,
    number: (value, fractionDigits = 0) => (numbers[fractionDigits] ?? numbers[0]!).format(value),
    percent: (value) => percent.format(value),
    time: (ms) => time.format(ms),
    dateTime: (ms) => dateTime.format(ms),
    bytes: (value) => {
      if (value < 1024) return `${numbers[0]!.format(value)} B`;
      if (value < 1024 * 1024) return `${numbers[1]!.format(value / 1024)} KB`;
      if (value < 1024 ** 3) return `${numbers[1]!.format(value / (1024 * 1024))} MB`;
      // Disks and whole stores: 252 GB, not 258,032 MB.
      if (value < 1024 ** 4) return `${numbers[1]!.format(value / 1024 ** 3)} GB`;
      return `${numbers[1]!.format(value / 1024 ** 4)} TB`;
    },
    duration: (ms) => {
      const seconds = Math.max(0, Math.round(ms / 1000));
      if (seconds < 120) return t('duration.seconds', { n: seconds });
      if (seconds < 7200) return t('duration.minutes', { n: Math.floor(seconds / 60) });
      return t('duration.hours', { n: Math.floor(seconds / 3600) });
    },
  };
  translators.set(locale, made);
  return made;
}

/** The language a browser suggests before main has said which one is chosen. */
export function browserLocale(languages: readonly string[]): ConsoleLocale {
  return languages[0]?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}
