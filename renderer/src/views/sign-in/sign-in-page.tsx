/**
 * The sign-in page of a console opened without a key (issue 15): directory user name and password,
 * in Japanese or English. The password is sent once over the console's link and kept in no store;
 * a refusal is shown in main's own words (a wrong name, a wrong password and a throttled account
 * read alike), and after a sign-out the page says why it came back.
 */
import { type FormEvent, useState } from 'react';
import type { SessionState } from '../../../../main/console/console-contract';
import { LocaleSwitch } from '../../components/locale-switch';
import { useTranslator } from '../../i18n/use-translator';
import { connectConsole } from '../../services/console-services';
import { signIn } from '../../services/session-service';

/** The page shown while nobody is signed in. */
export function SignInPage({ session }: { session: Extract<SessionState, { state: 'signed-out' }> }) {
  const tr = useTranslator();
  const [uid, setUid] = useState('');
  const [working, setWorking] = useState(false);
  const [refusal, setRefusal] = useState<string | undefined>();
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const field = form.elements.namedItem('password') as HTMLInputElement;
    const password = field.value;
    // Out of the page at once: the field is emptied whatever the answer.
    field.value = '';
    setWorking(true);
    setRefusal(undefined);
    signIn(connectConsole(), uid.trim(), password)
      .then((outcome) => {
        if (!outcome.ok) setRefusal(outcome.message[tr.locale]);
      })
      .catch((error: unknown) =>
        setRefusal(tr.t('signIn.failed', { detail: error instanceof Error ? error.message : String(error) })),
      )
      .finally(() => setWorking(false));
  };
  const reason = session.reason;
  // Under a minute (a short time-out set for a test) is said in seconds, not as "0 minutes".
  const idleTime =
    session.idleMinutes < 1
      ? tr.t('duration.seconds', { n: Math.round(session.idleMinutes * 60) })
      : tr.t('duration.minutes', { n: tr.number(session.idleMinutes, 1) });
  return (
    <div className="sign-in">
      <header className="sign-in-header">
        <span className="sign-in-brand">{tr.t('app.title')}</span>
        <LocaleSwitch />
      </header>
      <main id="main" className="sign-in-main">
        <h1 className="sign-in-title">{tr.t('signIn.title')}</h1>
        {reason ? (
          <p className="sign-in-reason" role="status" data-reason={reason}>
            {tr.t(`signIn.reason.${reason}`, { time: idleTime })}
          </p>
        ) : null}
        <p className="sign-in-intro">{tr.t('signIn.intro')}</p>
        <form className="sign-in-form" onSubmit={submit}>
          <label className="sign-in-field">
            <span>{tr.t('signIn.uid')}</span>
            <input
              name="uid"
              autoComplete="username"
              required
              maxLength={64}
              value={uid}
              onChange={(event) => setUid(event.target.value)}
            />
          </label>
          <label className="sign-in-field">
            <span>{tr.t('signIn.password')}</span>
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              maxLength={1024}
            />
          </label>
          {refusal ? (
            <p className="sign-in-refusal" role="alert">
              {refusal}
            </p>
          ) : null}
          <button type="submit" className="button button-primary" disabled={working}>
            {tr.t(working ? 'signIn.working' : 'signIn.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
