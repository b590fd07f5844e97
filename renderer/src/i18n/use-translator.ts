/** The translator for the language the ui store shows. */
import { useUiStore } from '../store/ui/ui-store';
import { type Translator, translator } from './translate';

/** Re-renders the component when the language changes. */
export function useTranslator(): Translator {
  return translator(useUiStore((s) => s.locale));
}
