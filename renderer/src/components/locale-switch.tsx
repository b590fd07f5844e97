/** Two buttons to choose the console language; the chosen one is pressed. */
import type { ConsoleLocale } from '../../../main/console/console-contract';
import { useTranslator } from '../i18n/use-translator';
import { switchLocale } from '../services/console-services';

// A type-only import keeps the contract's schemas (zod) out of the page bundle.
const locales: readonly ConsoleLocale[] = ['ja', 'en'];

/** The language switch in the header. */
export function LocaleSwitch() {
  const tr = useTranslator();
  return (
    <fieldset className="locale-switch">
      <legend className="locale-switch-label">{tr.t('locale.label')}</legend>
      {locales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          className="locale-button"
          aria-pressed={tr.locale === locale}
          onClick={() => switchLocale(locale)}
        >
          {tr.t(locale === 'ja' ? 'locale.ja' : 'locale.en')}
        </button>
      ))}
    </fieldset>
  );
}
