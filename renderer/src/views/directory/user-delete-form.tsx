/** Deleting a user: the address must be typed again; the button waits until it matches. */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import type { ShownError } from '../../store/directory/shown-error';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField } from './form-parts';

/** The delete box of a user page. */
export function UserDeleteForm({ address }: { address: string }) {
  const tr = useTranslator();
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<ShownError | undefined>();
  const [busy, setBusy] = useState(false);
  const matches = confirm.trim().toLowerCase() === address;
  const submit = async () => {
    if (!matches) return;
    setBusy(true);
    setError(await directoryServices()?.deleteUser(address, confirm));
    setBusy(false);
  };
  return (
    <DirForm
      id="dir-delete-title"
      className="dir-form-danger"
      title={<h4 id="dir-delete-title">{tr.t('dir.delete.title')}</h4>}
      onSubmit={submit}
    >
      <p className="dir-hint">{tr.t('dir.delete.warning', { address })}</p>
      <TextField
        name="confirm"
        label={tr.t('dir.delete.confirm')}
        value={confirm}
        onChange={setConfirm}
        error={error}
      />
      <ErrorInWords error={error} />
      <button type="submit" className="dir-button dir-button-danger" disabled={!matches || busy}>
        {tr.t('dir.delete.submit')}
      </button>
    </DirForm>
  );
}
