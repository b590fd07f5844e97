/**
 * A node's services (from its newest sample) with a restart button each. A restart is confirmed
 * first; the agent decides who may (system tier), and a refusal is shown in words.
 */
import type { ServiceStatus } from '../../../../main/console/console-contract';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useNodeStore } from '../../store/nodes/node-store';

interface NodeServicesProps {
  node: string;
  services: ServiceStatus[];
  /** Whether the node answers now (a restart of a node that does not answer cannot be sent). */
  reachable: boolean;
}

/** The services table and the restart dialog. */
export function NodeServices({ node, services, reachable }: NodeServicesProps) {
  const tr = useTranslator();
  const restart = useNodeStore((s) => s.restart);
  const ask = useNodeStore((s) => s.askRestart);
  const close = () => useNodeStore.getState().setRestart(undefined);
  return (
    <section className="panel" aria-labelledby="node-services-title">
      <h3 id="node-services-title">{tr.t('node.services.title')}</h3>
      {services.length === 0 ? (
        <p className="view-state">{tr.t('node.services.empty')}</p>
      ) : (
        <table className="table" data-testid="node-services">
          <thead>
            <tr>
              <th scope="col">{tr.t('node.services.name')}</th>
              <th scope="col">{tr.t('node.services.state')}</th>
              <th scope="col">{tr.t('node.services.since')}</th>
              <th scope="col" className="number">
                {tr.t('node.services.restarts')}
              </th>
              <th scope="col">{tr.t('node.services.detail')}</th>
              <th scope="col">
                <span className="visually-hidden">{tr.t('node.services.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {services.map((service) => (
              <tr key={service.name} data-service={service.name}>
                <th scope="row">{service.name}</th>
                {/* A node that does not answer has no services known now: never green. */}
                <td className={reachable ? `service-${service.state}` : 'service-unknown'}>
                  {reachable
                    ? tr.t(`service.${service.state}`)
                    : tr.t('node.services.notKnown', { state: tr.t(`service.${service.state}`) })}
                </td>
                <td>{tr.dateTime(service.since)}</td>
                <td className="number">{tr.number(service.restarts)}</td>
                <td className="detail">{service.detail ?? ''}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    disabled={!reachable}
                    onClick={() => ask(node, service.name)}
                  >
                    {tr.t('node.services.restart', { service: service.name })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        open={restart !== undefined}
        title={tr.t('node.restart.title')}
        confirmLabel={restart?.phase === 'confirming' ? tr.t('node.restart.confirm') : undefined}
        danger
        busy={restart?.phase === 'restarting'}
        onConfirm={() => void viewServices.restartConfirmedService()}
        onClose={close}
      >
        {restart && (
          <p data-testid="restart-message">
            {restart.phase === 'confirming' &&
              tr.t('node.restart.question', { service: restart.service, node: restart.node })}
            {restart.phase === 'restarting' &&
              tr.t('node.restart.running', { service: restart.service, node: restart.node })}
            {restart.phase === 'done' &&
              tr.t('node.restart.done', { service: restart.service, node: restart.node })}
            {restart.phase === 'error' && restart.error && errorWords(tr, restart.error)}
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
