/** Loading, error and empty states of a panel, in words (one look for every view). */
import type { ReactNode } from 'react';
import type { MessageKey } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import type { LoadStatus } from '../store/queues/load-state';
import type { ShownError } from '../store/shown-error';
import { errorWords } from './error-words';

interface LoadStatusProps {
  status: LoadStatus;
  error: ShownError | undefined;
  /** Said when the answer came and holds nothing. */
  empty: MessageKey;
  isEmpty: boolean;
  children: ReactNode;
}

/** Shows `children` once there is something to show; otherwise says why not. */
export function LoadStatusPanel({ status, error, empty, isEmpty, children }: LoadStatusProps) {
  const tr = useTranslator();
  if (status === 'idle' || status === 'loading') {
    return (
      <p className="view-state" role="status">
        {tr.t('state.loading')}
      </p>
    );
  }
  if (status === 'error' && error) {
    return (
      <p className="view-state view-state-error" role="alert">
        {errorWords(tr, error)}
      </p>
    );
  }
  return (
    <>
      {error && (
        <p className="view-state view-state-error" role="alert">
          {errorWords(tr, error)}
        </p>
      )}
      {isEmpty ? <p className="view-state">{tr.t(empty)}</p> : children}
    </>
  );
}
