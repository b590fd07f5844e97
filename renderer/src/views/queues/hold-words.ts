/** A hold in words: "mail for a@b", "message Q123", "logical store store07". */
import type { Translator } from '../../i18n/translate';
import type { QueueHoldTarget } from '../../store/queues/queue-action-slice';

/** The words for one hold. */
export function holdWords(tr: Translator, hold: QueueHoldTarget): string {
  if ('user' in hold) return tr.t('hold.user', { user: hold.user });
  if ('messageId' in hold) return tr.t('hold.message', { id: hold.messageId });
  return tr.t('hold.store', { store: hold.logicalStore });
}

/** A stable key for a hold (for lists). */
export function holdKey(hold: QueueHoldTarget): string {
  if ('user' in hold) return `user:${hold.user}`;
  if ('messageId' in hold) return `id:${hold.messageId}`;
  return `store:${hold.logicalStore}`;
}
