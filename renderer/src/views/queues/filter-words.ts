/** A queue filter in words, for the confirmation: "sender contains x, recipient domain y". */
import type { Translator } from '../../i18n/translate';
import type { AgentQueueFilter } from '../../store/queues/queue-filter';

/** The criteria of a filter joined in a sentence; "every message in the queue" without any. */
export function filterWords(tr: Translator, filter: AgentQueueFilter): string {
  const parts: string[] = [];
  if (filter.sender) parts.push(tr.t('filterWords.sender', { text: filter.sender }));
  if (filter.recipient) parts.push(tr.t('filterWords.recipient', { text: filter.recipient }));
  if (filter.domain) parts.push(tr.t('filterWords.domain', { text: filter.domain }));
  if (filter.destination) parts.push(tr.t('filterWords.destination', { text: filter.destination }));
  if (filter.reason) parts.push(tr.t('filterWords.reason', { text: filter.reason }));
  if (filter.held === true) parts.push(tr.t('filterWords.held'));
  if (filter.state) parts.push(tr.t('filterWords.state', { state: tr.t(`recipient.${filter.state}`) }));
  if (filter.olderThanSeconds)
    parts.push(tr.t('filterWords.older', { age: tr.duration(filter.olderThanSeconds * 1000) }));
  return parts.length === 0 ? tr.t('filterWords.all') : parts.join(tr.t('list.separator'));
}
