/** Deleting a user: the address must be typed again; the button waits until it matches. */
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField, useDirForm } from './form-parts';

/** The delete box of a user page. */
export function UserDeleteForm({ address }: { address: string }) {
  const tr = useTranslator();
  const form = useDirForm({ confirm: '' });
  const { confirm } = form.values;
  const matches = confirm.trim().toLowerCase() === address;
  const submit = async () => {
    if (!matches) return;
    await form.send(() => directoryServices()?.deleteUser(address, confirm));
  };
  return (
    <DirForm
      id="dir-delete-title"
      className="dir-form-danger"
      title={<h4 id="dir-delete-title">{tr.t('dir.delete.title')}</h4>}
      onSubmit={submit}
    >
      <p className="dir-hint">{tr.t('dir.delete.warning', { address })}</p>
      <TextField {...form.field('confirm')} label={tr.t('dir.delete.confirm')} />
      <ErrorInWords error={form.error} />
      <button type="submit" className="dir-button dir-button-danger" disabled={!matches || form.busy}>
        {tr.t('dir.delete.submit')}
      </button>
    </DirForm>
  );
}
