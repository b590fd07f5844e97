/**
 * The DNS records a department publishes for its mail domain (DKIM keys, SPF, DMARC), as a director
 * lists and checks them: the value to publish beside what DNS answers now. The domain is typed or
 * picked from the domains the gateway saw.
 */
import { useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { useDnsRecordsStore } from '../../store/spam/dns-records-store';

/** The panel; `suggestions` fill the domain field's list. */
export function DnsRecordsPanel({ suggestions }: { suggestions: string[] }) {
  const tr = useTranslator();
  const [domain, setDomain] = useState('');
  const hasDirector = useFleetStore((s) => (s.snapshot?.nodes ?? []).some((n) => n.role === 'director'));
  const { records, status, error, node } = useDnsRecordsStore(
    useShallow((s) => ({ records: s.dnsRecords, status: s.dnsStatus, error: s.dnsError, node: s.dnsNode })),
  );
  return (
    <section className="panel" aria-labelledby="dns-records-title" data-testid="dns-records">
      <h3 id="dns-records-title">{tr.t('dns.title')}</h3>
      <p className="muted">{tr.t('dns.intro')}</p>
      {!hasDirector ? (
        <p className="view-state">{tr.t('dns.noDirector')}</p>
      ) : (
        <>
          <form
            className="inline-form"
            onSubmit={(event) => {
              event.preventDefault();
              void viewServices.refreshDnsRecords(domain);
            }}
          >
            <label>
              {tr.t('dns.domain')}
              <input
                name="dns-domain"
                list="dns-domain-suggestions"
                value={domain}
                onChange={(event) => setDomain(event.target.value)}
              />
            </label>
            <datalist id="dns-domain-suggestions">
              {suggestions.map((s) => (
                <option key={s} value={s} />
              ))}
            </datalist>
            <button type="submit" disabled={domain.trim() === ''}>
              {tr.t('dns.check')}
            </button>
          </form>
          {status === 'idle' ? (
            <p className="view-state">{tr.t('dns.empty')}</p>
          ) : (
            <LoadStatusPanel status={status} error={error} empty="dns.empty" isEmpty={!records}>
              {records && (
                <>
                  <p className="muted">
                    {tr.t('dns.checkedAt', { time: tr.time(records.checkedAt), node: node ?? '' })}
                  </p>
                  <table className="table" data-testid="dns-records-table">
                    <thead>
                      <tr>
                        <th scope="col">{tr.t('dns.purpose')}</th>
                        <th scope="col">{tr.t('dns.name')}</th>
                        <th scope="col">{tr.t('dns.value')}</th>
                        <th scope="col">{tr.t('dns.state')}</th>
                        <th scope="col">{tr.t('dns.inDns')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {records.records.map((record) => (
                        <tr key={record.name + record.purpose} data-dns={record.dns}>
                          <th scope="row">{tr.t(`dns.purpose.${record.purpose}` as MessageKey)}</th>
                          <td className="mono">{record.name}</td>
                          <td className="mono detail">{record.value}</td>
                          <td>
                            {record.state
                              ? tr.t(`dns.state.${record.state}` as MessageKey, { until: record.until ?? '' })
                              : '—'}
                          </td>
                          <td className={`dns-${record.dns}`}>
                            {tr.t(`dns.dns.${record.dns}` as MessageKey)}
                            {record.dns === 'different' && (
                              <div className="muted mono">
                                {tr.t('dns.found', { values: record.found.join(' | ') })}
                              </div>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </>
              )}
            </LoadStatusPanel>
          )}
        </>
      )}
    </section>
  );
}
