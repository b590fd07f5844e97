/** Adding a user: address, name, the mail store the mailbox lives on, a first password, a limit. */
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { quotaOfField } from './directory-format';
import { ErrorInWords } from './error-in-words';
import { ChoiceField, DirForm, QuotaField, TextField, useDirForm } from './form-parts';
import { badQuota } from './user-edit-form';

/** The add form (in place of a user page). */
export function UserAddForm() {
  const tr = useTranslator();
  const stores = useDirectoryStore((s) => s.overview?.logicalStores);
  const form = useDirForm({
    address: '',
    displayName: '',
    reading: '',
    logicalStore: '',
    password: '',
    quota: '',
  });
  const submit = async () => {
    const { address, displayName, reading, logicalStore, password, quota } = form.values;
    const quotaBytes = quotaOfField(quota);
    if (Number.isNaN(quotaBytes)) return form.setError(badQuota(quota));
    // Cleared before the answer: the password lives only in this call from here on.
    form.set('password', '');
    await form.send(() =>
      directoryServices()?.addUser({
        address: address.trim().toLowerCase(),
        displayName,
        ...(reading.trim() === '' ? {} : { reading: reading.trim() }),
        logicalStore: logicalStore || (stores?.[0] ?? ''),
        password,
        quotaBytes,
      }),
    );
  };
  return (
    <DirForm
      id="dir-add-title"
      className="dir-page"
      title={
        <h3 id="dir-add-title" className="dir-page-title">
          {tr.t('dir.addForm.title')}
        </h3>
      }
      onSubmit={submit}
    >
      <TextField {...form.field('address')} type="email" label={tr.t('dir.addForm.address')} />
      <TextField {...form.field('displayName')} label={tr.t('dir.edit.displayName')} />
      <TextField
        {...form.field('reading')}
        label={tr.t('dir.edit.reading')}
        hint={tr.t('dir.edit.readingHint')}
      />
      <ChoiceField
        {...form.field('logicalStore')}
        label={tr.t('dir.addForm.store')}
        choices={(stores ?? []).map((store) => ({ value: store, words: store }))}
      />
      <TextField
        {...form.field('password')}
        type="password"
        label={tr.t('dir.addForm.password')}
        hint={tr.t('dir.password.rules')}
      />
      <QuotaField {...form.field('quota')} emptyMeans={tr.t('dir.user.none')} />
      <ErrorInWords error={form.error} />
      <div className="dir-buttons">
        <button type="submit" className="dir-button dir-button-main" disabled={form.busy}>
          {tr.t('dir.addForm.submit')}
        </button>
        <button type="button" className="dir-button" onClick={() => useDirectoryStore.getState().closeUser()}>
          {tr.t('dir.addForm.cancel')}
        </button>
      </div>
    </DirForm>
  );
}
