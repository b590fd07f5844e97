/** A failed call in words the clerk can act on: what kind of failure, then the agent's detail. */
import type { Translator } from '../i18n/translate';
import type { ShownError } from '../store/shown-error';

/** The sentence for an error (the agent's own message stays, for the technical staff). */
export function errorWords(tr: Translator, error: ShownError): string {
  if (error.kind === 'link') return tr.t('error.link-lost');
  return tr.t(`error.${error.code}`, { detail: error.message });
}
