/** The Spam view's tables: decisions per domain, and the most recent decisions with their reasons. */
import { useTranslator } from '../../i18n/use-translator';
import type { SpamStatistics } from '../../store/spam/spam-store';
import { spamOutcomeLabel, spamOutcomes } from './spam-outcomes';
import { spamReasonWords } from './spam-reason-words';

/** Decisions per recipient domain over the window. */
export function SpamDomainsTable({ byDomain }: { byDomain: SpamStatistics['byDomain'] }) {
  const tr = useTranslator();
  if (byDomain.length === 0) return <p className="view-state">{tr.t('spam.domains.empty')}</p>;
  return (
    <table className="table" data-testid="spam-domains">
      <thead>
        <tr>
          <th scope="col">{tr.t('spam.domain')}</th>
          <th scope="col" className="number">
            {tr.t('spam.total')}
          </th>
          {spamOutcomes.map((o) => (
            <th key={o} scope="col" className="number">
              {tr.t(spamOutcomeLabel(o))}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {byDomain.map((row) => (
          <tr key={row.domain}>
            <th scope="row">{row.domain}</th>
            <td className="number">{tr.number(row.total)}</td>
            {spamOutcomes.map((o) => (
              <td key={o} className="number">
                {tr.number(row[o])}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How many recent decisions the table shows. */
export const shownDecisions = 30;

/** The newest decisions first, each with its reason. */
export function SpamDecisionsTable({ decisions }: { decisions: SpamStatistics['lastDecisions'] }) {
  const tr = useTranslator();
  if (decisions.length === 0) return <p className="view-state">{tr.t('spam.decisions.empty')}</p>;
  // The newest only: a page of hundreds of rows hides what just happened.
  const newestFirst = [...decisions].sort((a, b) => b.at - a.at).slice(0, shownDecisions);
  return (
    <table className="table" data-testid="spam-decisions">
      <thead>
        <tr>
          <th scope="col">{tr.t('spam.decision.when')}</th>
          <th scope="col">{tr.t('spam.decision.outcome')}</th>
          <th scope="col">{tr.t('spam.decision.client')}</th>
          <th scope="col">{tr.t('spam.decision.sender')}</th>
          <th scope="col">{tr.t('spam.decision.recipient')}</th>
          <th scope="col">{tr.t('spam.decision.reason')}</th>
          <th scope="col" className="number">
            {tr.t('spam.decision.score')}
          </th>
        </tr>
      </thead>
      <tbody>
        {newestFirst.map((d, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: decisions have no id; the same second can repeat
          <tr key={`${d.at}-${index}`} data-outcome={d.outcome}>
            <td>{tr.time(d.at)}</td>
            <td className={`spam-${d.outcome}`}>{tr.t(spamOutcomeLabel(d.outcome))}</td>
            <td className="mono">{d.clientAddress}</td>
            <td className="detail">{d.sender || tr.t('queues.msg.nullSender')}</td>
            <td className="detail">{d.recipient}</td>
            <td className="detail" title={d.reason}>
              {spamReasonWords(tr, d.reason)}
            </td>
            <td className="number">{d.score === undefined ? '—' : tr.number(d.score, 1)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
