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

/** The figures as the sentence shows them. */
function figuresOf(alarm: FleetAlarm, tr: Translator): Record<string, string | number> {
  if (alarm.kind === 'node-down' || alarm.kind === 'data-stale') {
    return alarm.since === undefined ? {} : { time: tr.time(alarm.since) };
  }
  const limit = (format: (n: number) => string) => (alarm.limit === undefined ? '—' : format(alarm.limit));
  if (alarm.kind === 'quota-near-limit') {
    // The count is given as a number: the translator chooses "1 mailbox" / "2 mailboxes" by it.
    return {
      value: alarm.value,
      limit: limit(tr.percent),
      user: alarm.fullest?.user ?? '—',
      share: alarm.fullest ? tr.percent(alarm.fullest.share) : '—',
    };
  }
  if (alarm.kind === 'logins-locked') return { value: alarm.value };
  const format = alarm.kind === 'disk-full' ? tr.percent : (n: number) => tr.number(n);
  return {
    value: format(alarm.value),
    limit: limit(format),
    ...(alarm.baseline === undefined ? {} : { baseline: tr.number(alarm.baseline, 1) }),
  };
}

/** The sentence's key: a quota count that is only a lower bound says "or more". */
function keyOf(alarm: FleetAlarm): MessageKey {
  if (alarm.kind === 'quota-near-limit' && alarm.atLeast) return 'alarm.quota-near-limit.atLeast';
  return `alarm.${alarm.kind}`;
}

/** The words of one alarm in the translator's language. */
export function alarmLine(alarm: FleetAlarm, tr: Translator): AlarmLine {
  // `{node}` is left in place by the translator (no value given) and split on, so the name keeps
  // its place in the sentence of either language.
  const sentence = tr.t(keyOf(alarm), figuresOf(alarm, tr));
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
