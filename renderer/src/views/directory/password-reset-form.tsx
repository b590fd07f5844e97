/**
 * Setting a user's password: typed twice (or generated), sent once, cleared from the form once the
 * directory took it. It is never kept in a store or sent anywhere but the one
 * `directory.resetPassword` call. The result (done, or the directory's reason in words) is said
 * under the button and scrolled into view, where the person is looking.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField, useDirForm } from './form-parts';
import { generatedPassword } from './generated-password';

/** The password reset box of a user page. */
export function PasswordResetForm({ address }: { address: string }) {
  const tr = useTranslator();
  const form = useDirForm({ newPassword: '', newPasswordAgain: '' });
  const [problem, setProblem] = useState<'mismatch' | undefined>();
  const [shown, setShown] = useState(false);
  const [done, setDone] = useState(false);
  const result = useRef<HTMLDivElement>(null);
  const submit = async () => {
    const { newPassword, newPasswordAgain } = form.values;
    form.setError(undefined);
    setDone(false);
    if (newPassword !== newPasswordAgain) return setProblem('mismatch');
    setProblem(undefined);
    // The rules (length, spaces, the address, the current password) are the directory's: its
    // refusal comes back in words; checking here too would say them twice, and differently.
    const refused = await form.send(() => directoryServices()?.resetPassword(address, newPassword));
    if (refused) return;
    form.set('newPassword', '');
    form.set('newPasswordAgain', '');
    setShown(false);
    setDone(true);
  };
  // Whatever the answer, it is shown where the button was pressed, not at the top of the page.
  useEffect(() => {
    if (done || problem || form.error) result.current?.scrollIntoView({ block: 'nearest' });
  }, [done, problem, form.error]);
  const generate = () => {
    const password = generatedPassword();
    form.set('newPassword', password);
    form.set('newPasswordAgain', password);
    setDone(false);
    // A generated password is to be read out or written down: show it.
    setShown(true);
  };
  // The directory refuses a password as a whole, never one of the two fields.
  const unmarked = (name: 'newPassword' | 'newPasswordAgain') => ({ ...form.field(name), error: undefined });
  const type = shown ? 'text' : 'password';
  return (
    <DirForm
      id="dir-password-title"
      className="dir-password-form"
      title={<h4 id="dir-password-title">{tr.t('dir.password.title')}</h4>}
      onSubmit={submit}
    >
      <p className="dir-hint">{tr.t('dir.password.rules')}</p>
      <TextField {...unmarked('newPassword')} type={type} label={tr.t('dir.password.new')} />
      <TextField {...unmarked('newPasswordAgain')} type={type} label={tr.t('dir.password.again')} />
      <div className="dir-password-tools">
        <label className="dir-check">
          <input
            type="checkbox"
            name="showPassword"
            checked={shown}
            onChange={(event) => setShown(event.target.checked)}
          />
          {tr.t('dir.password.show')}
        </label>
        <button type="button" className="dir-button" onClick={generate}>
          {tr.t('dir.password.generate')}
        </button>
      </div>
      <button type="submit" className="dir-button dir-button-main" disabled={form.busy}>
        {tr.t('dir.password.submit')}
      </button>
      <div ref={result} className="dir-password-result">
        {problem && (
          <p className="dir-error dir-error-words" role="alert">
            {tr.t('dir.password.mismatch')}
          </p>
        )}
        <ErrorInWords error={form.error} />
        {done && (
          <p className="dir-notice" role="status">
            {tr.t('dir.notice.passwordReset', { address })}
          </p>
        )}
      </div>
    </DirForm>
  );
}
