/**
 * Holds on the chosen node: hold a user's mail (queued and arriving), see the holds in place, and
 * release each. Both go through the counted confirmation.
 */
import { type FormEvent, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { useQueuesStore } from '../../store/queues/queues-store';
import { holdKey, holdWords } from './hold-words';

/** The panel for one node. */
export function QueueHoldsPanel({ node }: { node: string }) {
  const tr = useTranslator();
  const [user, setUser] = useState('');
  const holds = useQueuesStore(
    useShallow((s) => s.fleetQueues?.queues.find((q) => q.node === node)?.summary.holds ?? []),
  );
  const hold = (event: FormEvent) => {
    event.preventDefault();
    const address = user.trim();
    if (address) void viewServices.askQueueAction({ kind: 'hold', node, hold: { user: address } });
  };
  return (
    <section className="panel" aria-labelledby="queue-holds-title">
      <h3 id="queue-holds-title">{tr.t('queues.holds.title', { node })}</h3>
      <form className="inline-form" onSubmit={hold}>
        <label>
          {tr.t('queues.holds.userLabel')}
          <input
            type="email"
            name="hold-user"
            value={user}
            placeholder="user@example.ac.jp"
            onChange={(event) => setUser(event.target.value)}
            required
          />
        </label>
        <button type="submit" className="button button-primary">
          {tr.t('queues.holds.holdUser')}
        </button>
      </form>
      <p className="hint">{tr.t('queues.holds.hint')}</p>
      {holds.length === 0 ? (
        <p className="muted">{tr.t('queues.holds.none')}</p>
      ) : (
        <ul className="hold-list" data-testid="holds">
          {holds.map((h) => (
            <li key={holdKey(h)}>
              <span>{holdWords(tr, h)}</span>
              <button
                type="button"
                className="button"
                onClick={() => void viewServices.askQueueAction({ kind: 'release', node, hold: h })}
              >
                {tr.t('queues.holds.release', { hold: holdWords(tr, h) })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
