/**
 * One alarm in words, split around the node's name so the list can make the name a link to its
 * Node view. A pure function of the alarm and the language, tested without a browser.
 */
import type { MessageKey } from '../../i18n/messages-en';
import type { Translator } from '../../i18n/translate';
import type { FleetAlarm } from '../../store/fleet/fleet-alarms';

/** What one row of the alarm list shows. */
export interface AlarmLine {
  node: string;
  severity: FleetAlarm['severity'];
  severityText: string;
  /** The sentence before and after the node's name. */
  before: string;
  after: string;
  /** The whole sentence, with the name in it. */
  text: string;
}

/** The figure and the limit as the sentence shows them. */
function figuresOf(alarm: FleetAlarm, tr: Translator): Record<string, string> {
  if (alarm.kind === 'node-down' || alarm.kind === 'data-stale') {
    return alarm.since === undefined ? {} : { time: tr.time(alarm.since) };
  }
  const format = alarm.kind === 'disk-full' ? tr.percent : (n: number) => tr.number(n);
  return { value: format(alarm.value), limit: alarm.limit === undefined ? '—' : format(alarm.limit) };
}

/** The words of one alarm in the translator's language. */
export function alarmLine(alarm: FleetAlarm, tr: Translator): AlarmLine {
  // `{node}` is left in place by the translator (no value given) and split on, so the name keeps
  // its place in the sentence of either language.
  const sentence = tr.t(`alarm.${alarm.kind}` satisfies MessageKey, figuresOf(alarm, tr));
  const at = sentence.indexOf('{node}');
  const before = at < 0 ? sentence : sentence.slice(0, at);
  const after = at < 0 ? '' : sentence.slice(at + '{node}'.length);
  return {
    node: alarm.node,
    severity: alarm.severity,
    severityText: tr.t(`alarms.${alarm.severity}`),
    before,
    after,
    text: `${before}${at < 0 ? '' : alarm.node}${after}`,
  };
}
