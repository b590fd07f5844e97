/** Adding a user: address, name, the mail store the mailbox lives on, a first password, a limit. */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import type { ShownError } from '../../store/directory/shown-error';
import { quotaOfField } from './directory-format';
import { ErrorInWords, fieldError } from './error-in-words';
import { DirForm, QuotaField, TextField } from './form-parts';
import { badQuota } from './user-edit-form';

/** The add form (in place of a user page). */
export function UserAddForm() {
  const tr = useTranslator();
  const stores = useDirectoryStore((s) => s.overview?.logicalStores);
  const [address, setAddress] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [logicalStore, setLogicalStore] = useState('');
  const [password, setPassword] = useState('');
  const [quota, setQuota] = useState('');
  const [error, setError] = useState<ShownError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const quotaBytes = quotaOfField(quota);
    if (Number.isNaN(quotaBytes)) return setError(badQuota(quota));
    setBusy(true);
    const first = password;
    setPassword('');
    setError(
      await directoryServices()?.addUser({
        address: address.trim().toLowerCase(),
        displayName,
        logicalStore: logicalStore || (stores?.[0] ?? ''),
        password: first,
        quotaBytes,
      }),
    );
    setBusy(false);
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
      <TextField
        name="address"
        type="email"
        label={tr.t('dir.addForm.address')}
        value={address}
        onChange={setAddress}
        error={error}
      />
      <TextField
        name="displayName"
        label={tr.t('dir.edit.displayName')}
        value={displayName}
        onChange={setDisplayName}
        error={error}
      />
      <label className={fieldError(error, 'logicalStore') ? 'dir-field dir-field-bad' : 'dir-field'}>
        <span>{tr.t('dir.addForm.store')}</span>
        <select name="logicalStore" value={logicalStore} onChange={(e) => setLogicalStore(e.target.value)}>
          {(stores ?? []).map((store) => (
            <option key={store} value={store}>
              {store}
            </option>
          ))}
        </select>
      </label>
      <TextField
        name="password"
        type="password"
        label={tr.t('dir.addForm.password')}
        hint={tr.t('dir.password.hint')}
        value={password}
        onChange={setPassword}
        error={error}
      />
      <QuotaField
        label={tr.t('dir.edit.quota')}
        hint={tr.t('dir.edit.quotaHint', { default: tr.t('dir.user.none') })}
        value={quota}
        onChange={setQuota}
        error={error}
      />
      <ErrorInWords error={error} />
      <div className="dir-buttons">
        <button type="submit" className="dir-button dir-button-main" disabled={busy}>
          {tr.t('dir.addForm.submit')}
        </button>
        <button type="button" className="dir-button" onClick={() => useDirectoryStore.getState().closeUser()}>
          {tr.t('dir.addForm.cancel')}
        </button>
      </div>
    </DirForm>
  );
}
