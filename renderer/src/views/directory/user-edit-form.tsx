/** Changing a user's name, mailbox limit, other addresses, forwarding and state. */
import { useState } from 'react';
import type { UserPage } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import type { ShownError } from '../../store/directory/shown-error';
import { addressLines, quotaField, quotaOfField, sizeText } from './directory-format';
import { ErrorInWords } from './error-in-words';
import { DirForm, QuotaField, TextField } from './form-parts';

/** The edit form of a user page; it starts from the page as read. */
export function UserEditForm({ page }: { page: UserPage }) {
  const tr = useTranslator();
  const [displayName, setDisplayName] = useState(page.displayName);
  const [quota, setQuota] = useState(quotaField(page.quotaBytes));
  const [aliases, setAliases] = useState(page.aliases.join('\n'));
  const [forwardTo, setForwardTo] = useState(page.forwardTo ?? '');
  const [state, setState] = useState(page.state === 'disabled' ? 'disabled' : 'active');
  const [error, setError] = useState<ShownError | undefined>();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const quotaBytes = quotaOfField(quota);
    if (Number.isNaN(quotaBytes)) return setError(badQuota(quota));
    setBusy(true);
    setError(
      await directoryServices()?.saveUser({
        address: page.mail,
        displayName,
        quotaBytes,
        aliases: addressLines(aliases),
        forwardTo: forwardTo.trim() === '' ? null : forwardTo.trim(),
        ...(page.state === 'moving' ? {} : { state: state as 'active' | 'disabled' }),
      }),
    );
    setBusy(false);
  };
  const defaultQuota =
    page.domainDefaultQuotaBytes === null
      ? tr.t('dir.edit.quotaNoDefault')
      : sizeText(page.domainDefaultQuotaBytes, tr);
  return (
    <DirForm
      id="dir-edit-title"
      title={<h4 id="dir-edit-title">{tr.t('dir.edit.title')}</h4>}
      onSubmit={submit}
    >
      <TextField
        name="displayName"
        label={tr.t('dir.edit.displayName')}
        value={displayName}
        onChange={setDisplayName}
        error={error}
      />
      <QuotaField
        label={tr.t('dir.edit.quota')}
        hint={tr.t('dir.edit.quotaHint', { default: defaultQuota })}
        value={quota}
        onChange={setQuota}
        error={error}
      />
      <TextField
        name="aliases"
        lines={3}
        label={tr.t('dir.edit.aliases')}
        value={aliases}
        onChange={setAliases}
        error={error}
      />
      <TextField
        name="forwardTo"
        type="email"
        label={tr.t('dir.edit.forwarding')}
        value={forwardTo}
        onChange={setForwardTo}
        error={error}
      />
      {page.state !== 'moving' && (
        <label className="dir-field">
          <span>{tr.t('dir.edit.state')}</span>
          <select
            name="state"
            value={state}
            onChange={(e) => setState(e.target.value as 'active' | 'disabled')}
          >
            <option value="active">{tr.t('dir.state.active')}</option>
            <option value="disabled">{tr.t('dir.state.disabled')}</option>
          </select>
        </label>
      )}
      <ErrorInWords error={error} />
      <button type="submit" className="dir-button dir-button-main" disabled={busy}>
        {tr.t('dir.edit.save')}
      </button>
    </DirForm>
  );
}

/** The error for a quota that is not a whole number of MB. */
export function badQuota(text: string): ShownError {
  return {
    kind: 'directory',
    code: 'invalid-input',
    message: quotaWords,
    detail: `quotaBytes: ${text}`,
    field: 'quotaBytes',
  };
}

const quotaWords = {
  en: 'The mailbox limit is a whole number of MB, or empty.',
  ja: 'メールボックスの上限は MB 単位の整数で入力するか、空欄にしてください。',
};
