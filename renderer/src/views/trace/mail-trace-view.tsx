/**
 * The Mail Trace view: "where is the mail from X to Y?" An address or a Message-ID is traced
 * across every director and gateway; each sender/recipient pair gets its steps in time order, each
 * step a sentence (received, greylisted, scanned, queued, delivered to which store, bounced why),
 * with the node's own words under a fold for the technical staff.
 */
import { type FormEvent, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { LoadStatusPanel } from '../../components/load-status';
import { useTranslator } from '../../i18n/use-translator';
import { viewServices } from '../../services/view-services';
import { type TraceStep, useTraceStore } from '../../store/trace/trace-store';
import { traceStepWords } from './trace-step-words';

/** The steps of one sender/recipient pair, in time order. */
function pairsOf(
  steps: TraceStep[],
): Array<{ key: string; sender: string; recipient: string; steps: TraceStep[] }> {
  const pairs = new Map<string, { key: string; sender: string; recipient: string; steps: TraceStep[] }>();
  for (const step of steps) {
    const key = `${step.sender} ${step.recipient}`;
    const pair = pairs.get(key) ?? { key, sender: step.sender, recipient: step.recipient, steps: [] };
    pair.steps.push(step);
    pairs.set(key, pair);
  }
  return [...pairs.values()];
}

/** The view. */
export function MailTraceView() {
  const tr = useTranslator();
  const [text, setText] = useState('');
  const { asked, steps, truncated, failures, status, error } = useTraceStore(
    useShallow((s) => ({
      asked: s.asked,
      steps: s.steps,
      truncated: s.truncated,
      failures: s.failures,
      status: s.status,
      error: s.error,
    })),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim().length >= 3) void viewServices.traceMail(text);
  };
  return (
    <section aria-labelledby="trace-title" className="trace-view">
      <div className="view-heading">
        <h2 id="trace-title">{tr.t('trace.title')}</h2>
      </div>
      <p className="hint">{tr.t('trace.hint')}</p>
      <form className="trace-form" onSubmit={submit}>
        <label>
          <span>{tr.t('trace.search.label')}</span>
          <input
            name="trace"
            type="search"
            value={text}
            maxLength={998}
            spellCheck={false}
            onChange={(event) => setText(event.target.value)}
          />
        </label>
        <button type="submit" className="button">
          {tr.t('trace.search.submit')}
        </button>
        {asked && (
          <button type="button" className="button" onClick={() => void viewServices.traceMail(asked)}>
            {tr.t('trace.search.again')}
          </button>
        )}
      </form>
      {failures.length > 0 && (
        <p className="reason" role="status">
          {tr.t('trace.failures', { nodes: failures.map((f) => f.node).join(', ') })}
        </p>
      )}
      {asked !== undefined && (
        <LoadStatusPanel status={status} error={error} empty="trace.empty" isEmpty={steps.length === 0}>
          {truncated && <p className="muted">{tr.t('trace.truncated')}</p>}
          {pairsOf(steps).map((pair) => (
            <article key={pair.key} className="panel trace-pair" data-recipient={pair.recipient}>
              <h3>
                {tr.t('trace.pair', {
                  sender: pair.sender || tr.t('queues.msg.nullSender'),
                  recipient: pair.recipient,
                })}
              </h3>
              <ol className="trace-steps">
                {pair.steps.map((step) => (
                  <li
                    key={`${step.node} ${step.at} ${step.kind} ${step.queueId ?? ''} ${step.reason ?? ''}`}
                    data-kind={step.kind}
                    data-node={step.node}
                  >
                    <time className="trace-time">{tr.dateTime(step.at)}</time>{' '}
                    <span className="trace-words">{traceStepWords(tr, step)}</span>
                    {(step.reason || step.messageId || step.queueId) && (
                      <details className="raw-reply">
                        <summary>{tr.t('trace.details')}</summary>
                        <div className="reason">
                          {[
                            step.messageId && `Message-ID: <${step.messageId}>`,
                            step.queueId && `queue id: ${step.queueId}`,
                            step.destination && `destination: ${step.destination}`,
                            step.reason,
                          ]
                            .filter(Boolean)
                            .join(' · ')}
                        </div>
                      </details>
                    )}
                  </li>
                ))}
              </ol>
            </article>
          ))}
        </LoadStatusPanel>
      )}
    </section>
  );
}
