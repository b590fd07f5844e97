/**
 * An error of the directory view in words: the directory's own sentence in the chosen language,
 * or the console's category in words, with the technical detail below for the technical staff.
 */
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';
import type { DirectoryViewError } from '../../store/shown-error';

/** A role=alert box saying what went wrong. */
export function ErrorInWords({ error }: { error: DirectoryViewError | undefined }) {
  const tr = useTranslator();
  if (!error) return null;
  const words =
    error.kind === 'directory'
      ? error.message[tr.locale]
      : error.kind === 'link'
        ? tr.t('error.link-lost')
        : tr.t(`consoleError.${error.code}` as MessageKey);
  const detail = error.kind === 'directory' ? error.detail : error.kind === 'link' ? null : error.message;
  return (
    <div className="dir-error" role="alert" data-error-code={error.code}>
      <p className="dir-error-title">{tr.t('dir.error.title')}</p>
      <p className="dir-error-words">{words}</p>
      {detail && <p className="dir-error-detail">{tr.t('dir.error.detail', { detail })}</p>}
    </div>
  );
}

/** The directory's words for a refused form field, if the error names it. */
export function fieldError(error: DirectoryViewError | undefined, field: string): boolean {
  return error?.kind === 'directory' && error.field !== null && error.field.split('.')[0] === field;
}
