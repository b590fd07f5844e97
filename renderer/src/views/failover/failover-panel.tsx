/**
 * A store node's failover, on its dashboard tile and its node page: for a system admin, "Fail over
 * to <replica node>" for each store it serves that has a replica (on the tile only while the node
 * is down); once a job runs, its steps (done, under way, to come; the switch-over to the spare
 * shown as one step), then "<store> served by <node>" (the spare, after the switch-over) or why it
 * stopped.
 */
import type { FailoverJobView } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { failoverServices } from '../../services/console-services';
import { jobsFromNode, storesToFailOver, useFailoverStore } from '../../store/failover/failover-store';
import './failover.css';

/** The steps shown while a job runs, in order (`done` and `failed` are its ends). */
const shownSteps = ['fence', 'stop-old', 'promote', 'repoint', 'reroute', 'rebuild', 'switch'] as const;

/** The steps of a planned "Switch to spare" (maintenance): nothing is fenced or promoted. */
const plannedSteps = ['rebuild', 'switch'] as const;

/** The shown step of a job's step: the switch-over's four are one for the administrator. */
function shownStepOf(step: FailoverJobView['step']): string {
  return step.startsWith('switch-') ? 'switch' : step;
}

function JobSteps({ job }: { job: FailoverJobView }) {
  const tr = useTranslator();
  if (job.step === 'done')
    return (
      <p className="failover-done" data-store={job.store}>
        {/* A job with a spare ends with the switch-over: the spare serves the store. */}
        {tr.t('failover.servedBy', { store: job.store, node: job.spare ?? job.takenOverBy })}
      </p>
    );
  if (job.step === 'failed')
    return (
      <p className="failover-stopped" role="alert" data-store={job.store}>
        {tr.t('failover.stopped', { store: job.store, reason: job.error ?? '' })}
      </p>
    );
  // A planned switch-over fences nothing: it copies the store to the spare, then moves it there.
  const steps = job.planned ? plannedSteps : shownSteps;
  const at = (steps as readonly string[]).indexOf(shownStepOf(job.step));
  return (
    <div className="failover-job" data-store={job.store} data-step={shownStepOf(job.step)}>
      <p className="failover-running">
        {job.planned
          ? tr.t('spare.switching', { store: job.store, spare: job.spare ?? '' })
          : tr.t('failover.running', { store: job.store, node: job.takenOverBy })}
      </p>
      <ol className="failover-steps">
        {steps.map((step, i) => (
          <li
            key={step}
            className={i < at ? 'step-done' : i === at ? 'step-now' : 'step-later'}
            data-step={step}
          >
            {job.planned && step === 'rebuild'
              ? tr.t('spare.step.copy', { spare: job.spare ?? '' })
              : tr.t(`failover.step.${step}`, { node: job.failedNode, spare: job.spare ?? '' })}
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * The failover part of a node's tile or page; nothing when there is nothing to say. The button is
 * offered while the node is `down`, or always with `evenWhenUp` (its page: maintenance).
 */
export function FailoverPanel({
  node,
  down,
  evenWhenUp,
}: {
  node: string;
  down: boolean;
  evenWhenUp?: boolean;
}) {
  const offer = down || evenWhenUp === true;
  const tr = useTranslator();
  const overview = useFailoverStore((s) => s.overview);
  const jobs = jobsFromNode(overview, node);
  const { may, stores } = offer ? storesToFailOver(overview, node) : { may: false, stores: [] };
  if (jobs.length === 0 && (stores.length === 0 || (!may && !down))) return null;
  return (
    <div className="failover-panel" data-node={node}>
      {jobs.map((job) => (
        <JobSteps key={job.job} job={job} />
      ))}
      {/* Another tier: no button (the agents would refuse it), only who can. */}
      {!may &&
        down &&
        stores.map(({ store, replicaNode }) => (
          <p key={store} className="failover-system-only muted" data-store={store}>
            {tr.t('failover.systemOnly', { store, node: replicaNode })}
          </p>
        ))}
      {may &&
        stores.map(({ store, replicaNode }) => (
          <button
            key={store}
            type="button"
            className="button button-danger failover-button"
            data-store={store}
            // Enter on the tile opens the node: not when it is meant for this button.
            onKeyDown={(event) => event.stopPropagation()}
            onClick={() => void failoverServices()?.plan(store)}
          >
            {stores.length > 1 || store !== node
              ? tr.t('failover.buttonOf', { store, node: replicaNode })
              : tr.t('failover.button', { node: replicaNode })}
          </button>
        ))}
    </div>
  );
}
