/**
 * The Lockouts view: every user name and client address that must wait or is locked after wrong
 * passwords, on every node that checks passwords, locked first, with until when; each can be
 * unlocked on its node (the agent checks the admin's tier and audits it). Read every 5 s while shown.
 */

import { errorWords } from '../../components/error-words';
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useLockoutsStore } from '../../store/lockouts/lockouts-store';

/** The view. */
export function LockoutsView() {
  const tr = useTranslator();
  const { lockouts, failures, status, error, at, lastUnlock } = useLockoutsStore();
  useRefresh(() => viewServices.refreshLockouts(), 5000, 'fleet');
  return (
    <section aria-labelledby="lockouts-title" className="lockouts-view">
      <div className="view-heading">
        <h2 id="lockouts-title">{tr.t('lockouts.title')}</h2>
        {at !== undefined && (
          <span className="muted">{tr.t('dashboard.updated', { time: tr.time(at) })}</span>
        )}
      </div>
      <p className="hint">{tr.t('lockouts.intro')}</p>
      {lastUnlock && (
        <p
          className={lastUnlock.error ? 'view-state view-state-error' : 'view-state'}
          role={lastUnlock.error ? 'alert' : 'status'}
          data-testid="unlock-message"
        >
          {tr.t(lastUnlock.error ? 'lockouts.unlockFailed' : 'lockouts.unlocked', {
            name: lastUnlock.name,
            node: lastUnlock.node,
          })}
          {lastUnlock.error ? ` ${errorWords(tr, lastUnlock.error)}` : ''}
        </p>
      )}
      {failures.map((failure) => (
        <p key={failure.node} className="view-state view-state-error" role="alert">
          {tr.t('lockouts.nodeFailed', { node: failure.node, detail: failure.message })}
        </p>
      ))}
      <LoadStatusPanel status={status} error={error} empty="lockouts.empty" isEmpty={lockouts.length === 0}>
        <p className="muted">{tr.t('lockouts.count', { n: lockouts.length })}</p>
        <table className="table" data-testid="lockouts">
          <thead>
            <tr>
              <th scope="col">{tr.t('lockouts.node')}</th>
              <th scope="col">{tr.t('lockouts.service')}</th>
              <th scope="col">{tr.t('lockouts.kind')}</th>
              <th scope="col">{tr.t('lockouts.name')}</th>
              <th scope="col" className="number">
                {tr.t('lockouts.failures')}
              </th>
              <th scope="col">{tr.t('lockouts.until')}</th>
              <th scope="col">{tr.t('lockouts.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{tr.t('lockouts.unlock')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lockouts.map((lockout) => (
              <tr
                key={`${lockout.node}\u0001${lockout.service}\u0001${lockout.kind}\u0001${lockout.name}`}
                data-node={lockout.node}
                data-name={lockout.name}
                className={lockout.locked ? 'lockout-locked' : undefined}
              >
                <td>{lockout.node}</td>
                <td>{tr.t(`lockouts.service.${lockout.service}`)}</td>
                <td>{tr.t(`lockouts.kind.${lockout.kind}`)}</td>
                <td className="detail">{lockout.name}</td>
                <td className="number">{tr.number(lockout.failures)}</td>
                <td>{tr.time(lockout.until)}</td>
                <td className="lockout-keep">
                  {tr.t(lockout.locked ? 'lockouts.locked' : 'lockouts.waiting')}
                </td>
                <td className="lockout-keep">
                  <button
                    type="button"
                    className="button"
                    aria-label={tr.t('lockouts.unlockLabel', { name: lockout.name, node: lockout.node })}
                    onClick={() => void viewServices.unlockLogin(lockout)}
                  >
                    {tr.t('lockouts.unlock')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </LoadStatusPanel>
    </section>
  );
}
