/**
 * The chosen node's queued messages (envelopes only): received, age, sender, each recipient with
 * state, attempts and last reply, size; a hold or release per message (none when `readOnly`: a
 * department administrator's view, where the button is left out rather than refused later).
 */
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import type { QueueEntry } from '../../store/queues/queue-filter';
import { recipientStory } from './mail-story';

/** The table. */
export function QueueMessagesTable({
  node,
  entries,
  now,
  readOnly = false,
}: {
  node: string;
  entries: QueueEntry[];
  now: number;
  readOnly?: boolean;
}) {
  const tr = useTranslator();
  return (
    <table className="table" data-testid="queue-messages">
      <thead>
        <tr>
          <th scope="col">{tr.t('queues.msg.id')}</th>
          <th scope="col">{tr.t('queues.msg.received')}</th>
          <th scope="col">{tr.t('queues.msg.sender')}</th>
          <th scope="col">{tr.t('queues.msg.subject')}</th>
          <th scope="col">{tr.t('queues.msg.recipients')}</th>
          <th scope="col" className="number">
            {tr.t('queues.msg.size')}
          </th>
          <th scope="col">
            <span className="visually-hidden">{tr.t('queues.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {entries.map((entry) => {
          const held = entry.recipients.some((r) => r.held);
          return (
            <tr key={entry.id} data-message={entry.id}>
              <td className="mono">{entry.id}</td>
              <td>
                {tr.dateTime(entry.receivedAt)}
                <br />
                <span className="muted">
                  {tr.t('queues.msg.ago', { age: tr.duration(now - entry.receivedAt) })}
                </span>
              </td>
              <td className="detail">{entry.sender || tr.t('queues.msg.nullSender')}</td>
              {/* Decoded by the agent (=?UTF-8?B?…?= reads as written). */}
              <td className="queue-subject">{entry.subject || tr.t('queues.msg.noSubject')}</td>
              <td>
                <ul className="plain-list">
                  {entry.recipients.map((r) => (
                    <li key={r.address} data-state={r.held ? 'held' : r.state}>
                      <span className="detail">{r.address}</span>{' '}
                      <span className={`recipient-state recipient-${r.held ? 'held' : r.state}`}>
                        {tr.t(r.held ? 'queues.filter.state.held' : `recipient.${r.state}`)}
                      </span>{' '}
                      {r.attempts > 0 && (
                        <span className="muted">{tr.t('queues.msg.attempts', { n: r.attempts })}</span>
                      )}
                      <p className="mail-story">{recipientStory(tr, r, entry.expiresAt, now)}</p>
                      {r.lastReason && (
                        <details className="raw-reply">
                          <summary>{tr.t('story.rawReply')}</summary>
                          <div className="reason">{r.lastReason}</div>
                        </details>
                      )}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="number">{tr.bytes(entry.sizeBytes)}</td>
              <td className="row-actions">
                <button
                  type="button"
                  className="button"
                  onClick={() => void viewServices.showQueueMessage(node, entry.id)}
                >
                  {tr.t('queues.msg.headers')}
                </button>
                {!readOnly && (
                  <button
                    type="button"
                    className="button"
                    onClick={() =>
                      void viewServices.askQueueAction({
                        kind: held ? 'release' : 'hold',
                        node,
                        hold: { messageId: entry.id },
                      })
                    }
                  >
                    {tr.t(held ? 'queues.msg.release' : 'queues.msg.hold')}
                  </button>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
