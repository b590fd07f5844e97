/** SPF, DKIM, DMARC and ARC results per sender (From:) domain over the gateway's window. */
import { useTranslator } from '../../i18n/use-translator';
import type { SpamStatistics } from '../../store/spam/spam-store';

const checks = ['spf', 'dkim', 'dmarc', 'arc'] as const;

/** One row per sender domain: each check's results with their counts (`pass 12 · fail 3`). */
export function SenderAuthenticationTable({ rows }: { rows: SpamStatistics['authentication'] }) {
  const tr = useTranslator();
  if (rows.length === 0) return <p className="view-state">{tr.t('spam.auth.empty')}</p>;
  const byDomain = new Map<string, Map<string, Array<{ result: string; count: number }>>>();
  for (const row of rows) {
    const domain = byDomain.get(row.domain) ?? new Map<string, Array<{ result: string; count: number }>>();
    byDomain.set(row.domain, domain);
    const results = domain.get(row.check) ?? [];
    results.push({ result: row.result, count: row.count });
    domain.set(row.check, results);
  }
  return (
    <table className="table" data-testid="sender-authentication-table">
      <thead>
        <tr>
          <th scope="col">{tr.t('spam.auth.domain')}</th>
          {checks.map((check) => (
            <th key={check} scope="col">
              {check.toUpperCase()}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {[...byDomain].map(([domain, results]) => (
          <tr key={domain}>
            <th scope="row">{domain === '(none)' ? tr.t('spam.auth.none') : domain}</th>
            {checks.map((check) => (
              <td key={check} className="detail" data-check={check}>
                {(results.get(check) ?? [])
                  .sort((a, b) => b.count - a.count)
                  .map((r) => `${r.result} ${tr.number(r.count)}`)
                  .join(' · ') || '—'}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
