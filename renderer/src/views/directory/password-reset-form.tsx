/**
 * Setting a user's password: typed twice, sent once, then cleared from the form. It is never shown,
 * kept in a store, or sent anywhere but the one `directory.resetPassword` call.
 */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import type { ShownError } from '../../store/directory/shown-error';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField } from './form-parts';

/** The password reset box of a user page. */
export function PasswordResetForm({ address }: { address: string }) {
  const tr = useTranslator();
  const [first, setFirst] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<'mismatch' | 'short' | undefined>();
  const [error, setError] = useState<ShownError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setError(undefined);
    if (first.length < 8) return setProblem('short');
    if (first !== again) return setProblem('mismatch');
    setProblem(undefined);
    setBusy(true);
    const password = first;
    // Cleared before the answer: the password lives only in this call from here on.
    setFirst('');
    setAgain('');
    setError(await directoryServices()?.resetPassword(address, password));
    setBusy(false);
  };
  return (
    <DirForm
      id="dir-password-title"
      title={<h4 id="dir-password-title">{tr.t('dir.password.title')}</h4>}
      onSubmit={submit}
    >
      <p className="dir-hint">{tr.t('dir.password.hint')}</p>
      <TextField
        name="newPassword"
        type="password"
        label={tr.t('dir.password.new')}
        value={first}
        onChange={setFirst}
      />
      <TextField
        name="newPasswordAgain"
        type="password"
        label={tr.t('dir.password.again')}
        value={again}
        onChange={setAgain}
      />
      {problem && (
        <p className="dir-error dir-error-words" role="alert">
          {tr.t(problem === 'short' ? 'dir.password.short' : 'dir.password.mismatch')}
        </p>
      )}
      <ErrorInWords error={error} />
      <button type="submit" className="dir-button dir-button-main" disabled={busy}>
        {tr.t('dir.password.submit')}
      </button>
    </DirForm>
  );
}
