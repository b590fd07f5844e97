/**
 * Which language a system suggests: Japanese when the user's first preferred language is Japanese,
 * English otherwise. Electron passes `app.getPreferredSystemLanguages()`; plain Node reads the POSIX
 * locale variables and then ICU's default.
 */
import type { ConsoleLocale } from './console-contract.js';

/** The console language for a list of preferred language tags (`ja-JP`, `ja_JP.UTF-8`, `en-US`). */
export function consoleLocaleFor(preferred: readonly string[]): ConsoleLocale {
  const first = preferred.find((tag) => tag.length > 0 && tag !== 'C' && tag !== 'POSIX');
  return first?.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

/** Preferred languages from the environment (LC_ALL, LC_MESSAGES, LANG, LANGUAGE) and ICU. */
export function environmentLanguages(env: NodeJS.ProcessEnv = process.env): string[] {
  const tags = [env.LC_ALL, env.LC_MESSAGES, env.LANG, ...(env.LANGUAGE ?? '').split(':')].filter(
    (tag): tag is string => typeof tag === 'string' && tag.length > 0,
  );
  tags.push(Intl.DateTimeFormat().resolvedOptions().locale);
  return tags;
}
