/**
 * The "Mail settings" section of a user page: forwarding (and keeping a copy), the vacation reply
 * and spam handling, the settings the user can also set on the self-service page. Read fresh when
 * the page opens, saved as a whole; the directory's refusal (a loop, dates the wrong way round,
 * a bad address, another department's user) is shown in its words, and nothing was changed.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { loadMailSettings, saveMailSettings } from '../../services/mail-settings-service';
import type { DirectoryViewError } from '../../store/shown-error';
import { ErrorInWords, fieldError } from './error-in-words';
import { ChoiceField, DirForm, TextField } from './form-parts';
import { fieldsOf, type MailSettingsFields, writeOf } from './mail-settings-values';

/** The mail settings box of a user page. */
export function MailSettingsForm({ address }: { address: string }) {
  const tr = useTranslator();
  const [fields, setFields] = useState<MailSettingsFields | undefined>();
  const [error, setError] = useState<DirectoryViewError | undefined>();
  const [needDates, setNeedDates] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let current = true;
    void loadMailSettings(address).then((answer) => {
      if (!current) return;
      if (answer.ok) setFields(fieldsOf(answer.settings));
      else setError(answer.error);
    });
    return () => {
      current = false;
    };
  }, [address]);
  useEffect(() => {
    if (saved || needDates || error) result.current?.scrollIntoView({ block: 'nearest' });
  }, [saved, needDates, error]);

  const title = <h4 id="dir-mail-settings-title">{tr.t('dir.mail.title')}</h4>;
  if (!fields) {
    return (
      <section className="dir-form dir-mail-settings" aria-labelledby="dir-mail-settings-title">
        {title}
        {error ? <ErrorInWords error={error} /> : <p role="status">{tr.t('dir.row.loading')}</p>}
      </section>
    );
  }
  const set = <K extends keyof MailSettingsFields>(name: K, value: MailSettingsFields[K]) => {
    setFields({ ...fields, [name]: value });
    setSaved(false);
  };
  const text = (name: 'forwardTo' | 'vacationSubject' | 'vacationBody' | 'rejectScore', field: string) => ({
    name,
    field,
    value: fields[name],
    onChange: (value: string) => set(name, value),
    error,
  });
  const check = (name: 'keepCopy' | 'vacationActive', label: string) => (
    <label className="dir-check">
      <input
        type="checkbox"
        name={name}
        checked={fields[name]}
        onChange={(event) => set(name, event.target.checked)}
      />
      {label}
    </label>
  );
  const day = (name: 'vacationStart' | 'vacationEnd', field: string, label: string) => (
    <label className={fieldError(error, field) || needDates ? 'dir-field dir-field-bad' : 'dir-field'}>
      <span>{label}</span>
      <input type="date" name={name} value={fields[name]} onChange={(e) => set(name, e.target.value)} />
    </label>
  );
  const submit = async () => {
    setSaved(false);
    setError(undefined);
    const write = writeOf(address, fields);
    setNeedDates(write === 'needDates');
    if (write === 'needDates') return;
    setBusy(true);
    const answer = await saveMailSettings(write);
    setBusy(false);
    if (!answer.ok) return setError(answer.error);
    setFields(fieldsOf(answer.settings));
    setSaved(true);
  };
  return (
    <DirForm id="dir-mail-settings-title" className="dir-mail-settings" title={title} onSubmit={submit}>
      <p className="dir-hint">{tr.t('dir.mail.hint')}</p>
      <fieldset className="dir-mail-part">
        <legend>{tr.t('dir.mail.forwarding')}</legend>
        <TextField
          {...text('forwardTo', 'forwardTo')}
          lines={3}
          label={tr.t('dir.mail.forwardTo')}
          hint={tr.t('dir.mail.forwardToHint')}
        />
        {check('keepCopy', tr.t('dir.mail.keepCopy'))}
      </fieldset>
      <fieldset className="dir-mail-part">
        <legend>{tr.t('dir.mail.vacation')}</legend>
        {check('vacationActive', tr.t('dir.mail.vacationActive'))}
        {day('vacationStart', 'vacation.startsAt', tr.t('dir.mail.vacationStart'))}
        {day('vacationEnd', 'vacation.endsAt', tr.t('dir.mail.vacationEnd'))}
        <TextField
          {...text('vacationSubject', 'vacation.subject')}
          label={tr.t('dir.mail.vacationSubject')}
        />
        <TextField
          {...text('vacationBody', 'vacation.body')}
          lines={4}
          label={tr.t('dir.mail.vacationBody')}
        />
      </fieldset>
      <fieldset className="dir-mail-part">
        <legend>{tr.t('dir.mail.spam')}</legend>
        <ChoiceField
          name="spam"
          label={tr.t('dir.mail.spamHandling')}
          value={fields.spam}
          choices={[
            { value: 'none', words: tr.t('dir.mail.spamNone') },
            { value: 'junk', words: tr.t('dir.mail.spamJunk') },
            { value: 'reject', words: tr.t('dir.mail.spamReject') },
          ]}
          onChange={(value) => set('spam', value)}
          error={error}
        />
        {fields.spam === 'reject' && (
          <TextField {...text('rejectScore', 'spam')} type="numeric" label={tr.t('dir.mail.rejectScore')} />
        )}
      </fieldset>
      <button type="submit" className="dir-button dir-button-main" disabled={busy}>
        {tr.t('dir.mail.save')}
      </button>
      <div ref={result} className="dir-password-result">
        {needDates && (
          <p className="dir-error dir-error-words" role="alert">
            {tr.t('dir.mail.needDates')}
          </p>
        )}
        <ErrorInWords error={error} />
        {saved && (
          <p className="dir-notice" role="status">
            {tr.t('dir.mail.saved', { address })}
          </p>
        )}
      </div>
    </DirForm>
  );
}
