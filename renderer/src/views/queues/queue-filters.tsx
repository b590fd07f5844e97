/**
 * The message filter: sender and recipient are asked of the agent (Apply, or Enter), domain,
 * state and age narrow the listed page at once.
 */
import type { FormEvent } from 'react';
import { SelectField } from '../../components/select-field';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { queueFilterAges, queueFilterStates } from '../../store/queues/queue-filter';
import { useQueuesStore } from '../../store/queues/queues-store';

/** The filter form. */
export function QueueFilters() {
  const tr = useTranslator();
  const filter = useQueuesStore((s) => s.filter);
  const change = useQueuesStore((s) => s.changeFilter);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    void viewServices.refreshQueueEntries();
  };
  return (
    <form className="filters" onSubmit={apply} aria-label={tr.t('queues.filter.title')}>
      <label>
        {tr.t('queues.filter.sender')}
        <input name="sender" value={filter.sender} onChange={(e) => change({ sender: e.target.value })} />
      </label>
      <label>
        {tr.t('queues.filter.recipient')}
        <input
          name="recipient"
          value={filter.recipient}
          onChange={(e) => change({ recipient: e.target.value })}
        />
      </label>
      <label>
        {tr.t('queues.filter.domain')}
        <input
          name="domain"
          value={filter.domain}
          placeholder="example.ac.jp"
          onChange={(e) => change({ domain: e.target.value })}
        />
      </label>
      <SelectField
        name="state"
        label="queues.filter.state"
        value={filter.state}
        choices={queueFilterStates}
        choiceLabel={(state) => tr.t(`queues.filter.state.${state}`)}
        onChange={(state) => change({ state })}
      />
      <SelectField
        name="age"
        label="queues.filter.age"
        value={filter.age}
        choices={queueFilterAges}
        choiceLabel={(age) => tr.t(`queues.filter.age.${age}`)}
        onChange={(age) => change({ age })}
      />
      <button type="submit" className="button button-primary">
        {tr.t('queues.filter.apply')}
      </button>
    </form>
  );
}
