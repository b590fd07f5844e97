/**
 * The dashboard's alarm list, under the fleet totals: every alarm in words, critical first, each
 * node's name a link to its Node view, or "No alarms" when there is none.
 */
import { memo } from 'react';
import type { ConsoleFleetSnapshot } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { fleetAlarms } from '../../store/fleet/fleet-alarms';
import { useFleetStore } from '../../store/fleet/fleet-store';
import { type AlarmLine, alarmLine } from './alarm-line';

/** Computes the lines once per snapshot; the list below draws only when their text changes. */
export function AlarmList({ snapshot }: { snapshot: ConsoleFleetSnapshot }) {
  const tr = useTranslator();
  const logins = useFleetStore((s) => s.loginHistory);
  const lines = fleetAlarms(snapshot, logins).map((alarm) => alarmLine(alarm, tr));
  // The dashboard renders at 1 Hz; the alarms' words rarely change, so this is the only key.
  const linesKey = lines.map((line) => `${line.severity}\u0001${line.text}`).join('\u0002');
  return <AlarmRows lines={lines} linesKey={linesKey} />;
}

const AlarmRows = memo(
  function AlarmRows({ lines }: { lines: AlarmLine[]; linesKey: string }) {
    const tr = useTranslator();
    return (
      <section className="alarms" aria-labelledby="alarms-title" data-testid="alarm-list">
        <h3 id="alarms-title">{tr.t('alarms.title')}</h3>
        {lines.length === 0 ? (
          <p className="alarms-empty">{tr.t('alarms.empty')}</p>
        ) : (
          <ul>
            {lines.map((line) => (
              <li key={line.text} className={`alarm alarm-${line.severity}`} data-node={line.node}>
                <span className="alarm-severity">{line.severityText}</span>
                {line.before}
                <a href={`#/nodes/${encodeURIComponent(line.node)}`}>{line.node}</a>
                {line.after}
              </li>
            ))}
          </ul>
        )}
      </section>
    );
  },
  (before, after) => before.linesKey === after.linesKey,
);
