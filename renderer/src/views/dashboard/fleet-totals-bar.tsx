/** Fleet totals across the nodes that answer, on top of the dashboard. */
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-contract';
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';
import { fleetTotals } from '../../store/fleet/fleet-figures';

/** One figure per box; a dash where no node publishes it. */
export function FleetTotalsBar({ snapshot }: { snapshot: ConsoleFleetSnapshot }) {
  const tr = useTranslator();
  const totals = fleetTotals(snapshot);
  const figure = (value: number | undefined) => (value === undefined ? '—' : tr.number(value));
  // A store that does not answer takes its mailboxes out of the total: say so beside it.
  const partial =
    totals.storesNotAnswering > 0 ? tr.t('totals.usersPartial', { n: totals.storesNotAnswering }) : undefined;
  const boxes: Array<{ key: MessageKey; value: string; alarm?: boolean; note?: string }> = [
    { key: 'totals.nodes', value: tr.t('totals.nodesValue', { up: totals.up, total: totals.total }) },
    { key: 'totals.down', value: tr.number(totals.notAnswering), alarm: totals.notAnswering > 0 },
    { key: 'totals.users', value: figure(totals.mailboxes), ...(partial ? { note: partial } : {}) },
    { key: 'totals.sessions', value: figure(totals.sessions) },
    { key: 'totals.deliveries', value: figure(totals.deliveriesPerMin) },
    { key: 'totals.failedLogins', value: figure(totals.failedLoginsPerMin) },
  ];
  return (
    <dl className="totals" data-testid="fleet-totals">
      {boxes.map((box) => (
        <div key={box.key} className={box.alarm ? 'total total-alarm' : 'total'}>
          <dt>{tr.t(box.key)}</dt>
          <dd>
            {box.value}
            {box.note && (
              <span className="total-note" data-testid="totals-users-partial">
                {box.note}
              </span>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}
