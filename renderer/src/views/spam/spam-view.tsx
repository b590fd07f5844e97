/**
 * The Spam view, for one gateway (a picker when the fleet has several): totals over the last hour,
 * decisions per minute, greylist and scanning figures (gateway.status), per domain, and the most
 * recent decisions with their reasons. Read every 5 s while shown. A department administrator
 * sees the figures of mail to its own domains (the agent cuts them down), not the gateway's status
 * or sender authentication (every department's mail), and its domains' spam policy form.
 */
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { useRefresh } from '../../components/use-refresh';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { departmentDomains, useSessionStore } from '../../store/session/session-store';
import { useSpamStore } from '../../store/spam/spam-store';
import { DnsRecordsPanel } from './dns-records-panel';
import { SenderAuthenticationTable } from './sender-authentication-table';
import { SpamMinutesChart } from './spam-minutes-chart';
import { spamOutcomeLabel, spamOutcomes } from './spam-outcomes';
import { SpamPolicyForm } from './spam-policy-form';
import { SpamDecisionsTable, SpamDomainsTable, shownDecisions } from './spam-tables';

/** Greylist and scanning figures. */
function GatewayFigures() {
  const tr = useTranslator();
  const status = useSpamStore((s) => s.gatewayStatus);
  if (!status) return null;
  return (
    <section className="panel" aria-labelledby="gateway-figures-title">
      <h3 id="gateway-figures-title">{tr.t('spam.gateway.title')}</h3>
      <dl className="figures-row" data-testid="greylist">
        <div>
          <dt>{tr.t('spam.greylist.pending')}</dt>
          <dd>{tr.number(status.greylist.pendingTriplets)}</dd>
        </div>
        <div>
          <dt>{tr.t('spam.greylist.passed')}</dt>
          <dd>{tr.number(status.greylist.passedTriplets)}</dd>
        </div>
        <div>
          <dt>{tr.t('spam.greylist.networks')}</dt>
          <dd>{tr.number(status.greylist.networks)}</dd>
        </div>
        <div>
          <dt>{tr.t('spam.greylist.whitelisted')}</dt>
          <dd>{tr.number(status.greylist.whitelistedNetworks)}</dd>
        </div>
        <div>
          <dt>{tr.t('spam.blocked')}</dt>
          <dd>{tr.number(status.blockedClients.length)}</dd>
        </div>
      </dl>
      <p>
        {status.contentScanning.configured
          ? tr.t('spam.scanning.on', { url: status.contentScanning.url ?? '' })
          : tr.t('spam.scanning.off')}
      </p>
      <p data-testid="virus-scanning">
        {status.virusScanning.configured
          ? tr.t('spam.virus.on', { address: status.virusScanning.address ?? '' })
          : tr.t('spam.virus.off')}
      </p>
      <p data-testid="sender-authentication">
        {tr.t(status.senderAuthentication ? 'spam.auth.on' : 'spam.auth.off')}
      </p>
      {status.blockedClients.length > 0 && (
        <p>{tr.t('spam.blockedList', { clients: status.blockedClients.join(tr.t('list.separator')) })}</p>
      )}
      <p className="muted">{tr.t('spam.nextHop', { hop: status.nextHop })}</p>
    </section>
  );
}

/** The view. */
export function SpamView() {
  const tr = useTranslator();
  const gateways = useFleetStore(
    useShallow((s) => (s.snapshot?.nodes ?? []).filter((n) => n.role === 'gateway').map((n) => n.name)),
  );
  const { node, statistics, status, error } = useSpamStore(
    useShallow((s) => ({
      node: s.gatewayNode,
      statistics: s.statistics,
      status: s.spamStatus,
      error: s.spamError,
    })),
  );
  const domains = useSessionStore((s) => departmentDomains(s.session));
  useEffect(() => {
    if (!node && gateways[0]) useSpamStore.getState().chooseGateway(gateways[0]);
  }, [node, gateways]);
  useRefresh(() => viewServices.refreshSpam(), 5000, node ?? '');
  return (
    <section aria-labelledby="spam-title" className="spam-view">
      <div className="view-heading">
        <h2 id="spam-title">{tr.t('spam.title')}</h2>
        {gateways.length > 1 && (
          <label>
            {tr.t('spam.gatewayPick')}
            <select
              value={node ?? ''}
              onChange={(e) => useSpamStore.getState().chooseGateway(e.target.value)}
            >
              {gateways.map((g) => (
                <option key={g}>{g}</option>
              ))}
            </select>
          </label>
        )}
        {node && (
          <span className="muted">
            {tr.t('spam.window', { node, minutes: statistics?.windowMinutes ?? 60 })}
          </span>
        )}
      </div>
      {domains && (
        <p className="muted">
          {tr.t('department.spam.intro', { domains: domains.join(tr.t('list.separator')) })}
        </p>
      )}
      {gateways.length === 0 ? (
        <p className="view-state">{tr.t('spam.noGateway')}</p>
      ) : (
        <LoadStatusPanel status={status} error={error} empty="spam.decisions.empty" isEmpty={!statistics}>
          {statistics && (
            <>
              <dl className="totals" data-testid="spam-totals">
                {spamOutcomes.map((o) => (
                  <div key={o} className="total">
                    <dt>{tr.t(spamOutcomeLabel(o))}</dt>
                    <dd>{tr.number(statistics.totals[o])}</dd>
                  </div>
                ))}
              </dl>
              <SpamMinutesChart perMinute={statistics.perMinute} />
              <GatewayFigures />
              <section className="panel" aria-labelledby="spam-domains-title">
                <h3 id="spam-domains-title">{tr.t('spam.domains.title')}</h3>
                <SpamDomainsTable byDomain={statistics.byDomain} />
              </section>
              {!domains && (
                <section className="panel" aria-labelledby="spam-auth-title">
                  <h3 id="spam-auth-title">{tr.t('spam.auth.title')}</h3>
                  <SenderAuthenticationTable rows={statistics.authentication} />
                </section>
              )}
              <section className="panel" aria-labelledby="spam-decisions-title">
                <h3 id="spam-decisions-title">{tr.t('spam.decisions.title', { n: shownDecisions })}</h3>
                <SpamDecisionsTable decisions={statistics.lastDecisions} />
              </section>
            </>
          )}
        </LoadStatusPanel>
      )}
      {domains && <SpamPolicyForm domains={domains} />}
      <DnsRecordsPanel
        suggestions={domains ? [...domains] : (statistics?.byDomain.map((row) => row.domain) ?? [])}
      />
    </section>
  );
}
