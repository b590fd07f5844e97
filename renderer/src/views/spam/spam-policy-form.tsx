/**
 * A department's spam policy (issue 15): tag spam, or tag and refuse above a higher score, for one
 * of its domains. Read and written with `directory.spamPolicy` / `directory.setSpamPolicy`, which
 * bind as the signed-in admin, so the directory's access rules (not this form) decide whose domain
 * may be changed; a refusal is shown in the directory's words.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SpamPolicy } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { shownErrorOf } from '../../services/shown-error';
import { viewServices } from '../../services/view-services';

type Mode = 'tag' | 'reject';

/** The policy now, in words. */
function PolicyNow({ policy }: { policy: SpamPolicy }) {
  const tr = useTranslator();
  if (policy.isDefault) return <p data-testid="spam-policy-now">{tr.t('department.policy.now.default')}</p>;
  const score = (value: number | null) =>
    value === null ? tr.t('department.policy.rspamd') : tr.number(value);
  const mode = policy.mode === 'tag' ? 'department.policy.mode.tag' : 'department.policy.mode.reject';
  const reject =
    policy.mode === 'reject'
      ? tr.t('department.policy.now.rejectFrom', { reject: score(policy.rejectScore) })
      : '';
  return (
    <p data-testid="spam-policy-now">
      {tr.t('department.policy.now', { mode: tr.t(mode), tag: score(policy.tagScore), reject })}
    </p>
  );
}

/** The form, for the domains given (a department's own). */
export function SpamPolicyForm({ domains }: { domains: readonly string[] }) {
  const tr = useTranslator();
  const [domain, setDomain] = useState(domains[0] ?? '');
  const [policy, setPolicy] = useState<SpamPolicy | undefined>();
  const [mode, setMode] = useState<Mode>('tag');
  const [tagScore, setTagScore] = useState('6');
  const [rejectScore, setRejectScore] = useState('15');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>();
  // The setters are stable: one `show` for the whole life of the form.
  const show = useCallback((read: SpamPolicy) => {
    setPolicy(read);
    setMode(read.mode === 'tag' ? 'tag' : 'reject');
    if (read.tagScore !== null) setTagScore(String(read.tagScore));
    if (read.rejectScore !== null) setRejectScore(String(read.rejectScore));
  }, []);
  useEffect(() => {
    if (!domain) return;
    setMessage(undefined);
    viewServices.readSpamPolicy(domain).then(
      (answer) =>
        answer.ok
          ? show(answer.value)
          : setMessage({
              ok: false,
              text: tr.t('department.policy.failed', { detail: answer.error.message[tr.locale] }),
            }),
      (error: unknown) =>
        setMessage({
          ok: false,
          text: tr.t('department.policy.failed', { detail: shownErrorOf(error).message }),
        }),
    );
  }, [domain, tr, show]);
  const save = async () => {
    setMessage(undefined);
    try {
      const answer = await viewServices.writeSpamPolicy({
        domain,
        mode,
        tagScore: Number(tagScore),
        ...(mode === 'reject' ? { rejectScore: Number(rejectScore) } : {}),
      });
      if (answer.ok) {
        show(answer.value);
        setMessage({ ok: true, text: tr.t('department.policy.saved') });
      } else {
        setMessage({
          ok: false,
          text: tr.t('department.policy.failed', { detail: answer.error.message[tr.locale] }),
        });
      }
    } catch (error) {
      setMessage({
        ok: false,
        text: tr.t('department.policy.failed', { detail: shownErrorOf(error).message }),
      });
    }
  };
  return (
    <section className="panel spam-policy" aria-labelledby="spam-policy-title">
      <h3 id="spam-policy-title">{tr.t('department.policy.title')}</h3>
      {policy && <PolicyNow policy={policy} />}
      <form
        className="inline-form spam-policy-form"
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        {domains.length > 1 && (
          <label>
            {tr.t('department.policy.domain')}
            <select name="domain" value={domain} onChange={(e) => setDomain(e.target.value)}>
              {domains.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </select>
          </label>
        )}
        <fieldset className="spam-policy-modes">
          <legend>{tr.t('department.policy.mode')}</legend>
          {(['tag', 'reject'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />
              {tr.t(`department.policy.mode.${m}`)}
            </label>
          ))}
        </fieldset>
        <label>
          {tr.t('department.policy.tagScore')}
          <input
            name="tagScore"
            type="number"
            step="0.5"
            value={tagScore}
            onChange={(e) => setTagScore(e.target.value)}
          />
        </label>
        {mode === 'reject' && (
          <label>
            {tr.t('department.policy.rejectScore')}
            <input
              name="rejectScore"
              type="number"
              step="0.5"
              value={rejectScore}
              onChange={(e) => setRejectScore(e.target.value)}
            />
          </label>
        )}
        <button type="submit" className="button button-primary">
          {tr.t('department.policy.save')}
        </button>
      </form>
      {message && (
        <p role="status" className={message.ok ? 'spam-policy-saved' : 'spam-policy-refused'}>
          {message.text}
        </p>
      )}
    </section>
  );
}
