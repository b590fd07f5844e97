/** Changing a user's name, mailbox limit, other addresses, forwarding and state. */
import { useState } from 'react';
import type { UserPage } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import type { DirectoryViewError } from '../../store/shown-error';
import { addressLines, quotaField, quotaOfField, sizeText } from './directory-format';
import { ErrorInWords } from './error-in-words';
import { ChoiceField, DirForm, QuotaField, TextField, useDirForm } from './form-parts';

/** The edit form of a user page; it starts from the page as read. */
export function UserEditForm({ page }: { page: UserPage }) {
  const tr = useTranslator();
  const form = useDirForm({
    displayName: page.displayName,
    reading: page.reading ?? '',
    quota: quotaField(page.quotaBytes),
    aliases: page.aliases.join('\n'),
    forwardTo: page.forwardTo ?? '',
  });
  const [state, setState] = useState<'active' | 'disabled'>(
    page.state === 'disabled' ? 'disabled' : 'active',
  );
  const submit = async () => {
    const { displayName, reading, quota, aliases, forwardTo } = form.values;
    const quotaBytes = quotaOfField(quota);
    if (Number.isNaN(quotaBytes)) return form.setError(badQuota(quota));
    await form.send(() =>
      directoryServices()?.saveUser({
        address: page.mail,
        displayName,
        // Emptied: the reading is removed.
        reading: reading.trim() === '' ? null : reading.trim(),
        quotaBytes,
        aliases: addressLines(aliases),
        forwardTo: forwardTo.trim() === '' ? null : forwardTo.trim(),
        ...(page.state === 'moving' ? {} : { state }),
      }),
    );
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
      <TextField {...form.field('displayName')} label={tr.t('dir.edit.displayName')} />
      <TextField
        {...form.field('reading')}
        label={tr.t('dir.edit.reading')}
        hint={tr.t('dir.edit.readingHint')}
      />
      <QuotaField {...form.field('quota')} emptyMeans={defaultQuota} />
      <TextField {...form.field('aliases')} lines={3} label={tr.t('dir.edit.aliases')} />
      <TextField {...form.field('forwardTo')} type="email" label={tr.t('dir.edit.forwarding')} />
      {page.state !== 'moving' && (
        <ChoiceField<'active' | 'disabled'>
          name="state"
          label={tr.t('dir.edit.state')}
          value={state}
          choices={[
            { value: 'active', words: tr.t('dir.state.active') },
            { value: 'disabled', words: tr.t('dir.state.disabled') },
          ]}
          onChange={setState}
          error={form.error}
        />
      )}
      <ErrorInWords error={form.error} />
      <button type="submit" className="dir-button dir-button-main" disabled={form.busy}>
        {tr.t('dir.edit.save')}
      </button>
    </DirForm>
  );
}

/** The error for a quota that is not a whole number of MB. */
export function badQuota(text: string): DirectoryViewError {
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
