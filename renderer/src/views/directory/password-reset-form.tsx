/**
 * Setting a user's password: typed twice, sent once, then cleared from the form. It is never shown,
 * kept in a store, or sent anywhere but the one `directory.resetPassword` call.
 */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField, useDirForm } from './form-parts';

/** The password reset box of a user page. */
export function PasswordResetForm({ address }: { address: string }) {
  const tr = useTranslator();
  const form = useDirForm({ newPassword: '', newPasswordAgain: '' });
  const [problem, setProblem] = useState<'mismatch' | 'short' | undefined>();
  const submit = async () => {
    const { newPassword, newPasswordAgain } = form.values;
    form.setError(undefined);
    if (newPassword.length < 8) return setProblem('short');
    if (newPassword !== newPasswordAgain) return setProblem('mismatch');
    setProblem(undefined);
    // Cleared before the answer: the password lives only in this call from here on.
    form.set('newPassword', '');
    form.set('newPasswordAgain', '');
    await form.send(() => directoryServices()?.resetPassword(address, newPassword));
  };
  // The directory refuses a password as a whole, never one of the two fields.
  const unmarked = (name: 'newPassword' | 'newPasswordAgain') => ({ ...form.field(name), error: undefined });
  return (
    <DirForm
      id="dir-password-title"
      title={<h4 id="dir-password-title">{tr.t('dir.password.title')}</h4>}
      onSubmit={submit}
    >
      <p className="dir-hint">{tr.t('dir.password.hint')}</p>
      <TextField {...unmarked('newPassword')} type="password" label={tr.t('dir.password.new')} />
      <TextField {...unmarked('newPasswordAgain')} type="password" label={tr.t('dir.password.again')} />
      {problem && (
        <p className="dir-error dir-error-words" role="alert">
          {tr.t(problem === 'short' ? 'dir.password.short' : 'dir.password.mismatch')}
        </p>
      )}
      <ErrorInWords error={form.error} />
      <button type="submit" className="dir-button dir-button-main" disabled={form.busy}>
        {tr.t('dir.password.submit')}
      </button>
    </DirForm>
  );
}
