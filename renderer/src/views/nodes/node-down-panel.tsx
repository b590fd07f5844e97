/**
 * A node that does not answer, as its page says it: since when (the time it last answered, which
 * refreshes do not move), what that means for the people who use it, by role, and what to do.
 * Failing a store over is named in words here; the failover itself is its own button.
 */
import type { ConsoleNodeView } from '../../../../main/console/console-contract';
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';

/** The panel, for a node whose state is not `up`. */
export function NodeDownPanel({ node, now }: { node: ConsoleNodeView; now: number }) {
  const tr = useTranslator();
  const since = Math.min(node.since, now);
  return (
    <section
      className="panel node-down"
      role="alert"
      aria-labelledby="node-down-title"
      data-testid="node-down"
    >
      <h3 id="node-down-title">
        {tr.t('nodeDown.title', {
          node: node.name,
          time: tr.dateTime(since),
          age: tr.duration(now - since),
        })}
      </h3>
      <p data-testid="node-down-meaning">
        {tr.t(`nodeDown.meaning.${node.role}` as MessageKey, { node: node.name })}
      </p>
      <h4>{tr.t('nodeDown.todo')}</h4>
      <ul data-testid="node-down-todo">
        <li>{tr.t('nodeDown.restart', { node: node.name })}</li>
        {node.role === 'store' && <li>{tr.t('nodeDown.failover', { node: node.name })}</li>}
        <li>{tr.t('nodeDown.back')}</li>
      </ul>
    </section>
  );
}
