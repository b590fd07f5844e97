/**
 * A store node's page, for a system admin: "Switch to spare" for each store it serves while it
 * answers (maintenance: a planned, lossless switch-over; its steps then show in the failover
 * panel, which ends "served by spare01"), and "Make spare" (after a failed node is repaired: its
 * old mail is deleted and it becomes the spare). Both ask in the spare dialog; refusals (the node
 * still serves a store, holds a replica) are said there in words. Nothing for other tiers (the
 * console core, the directory and the agents refuse them).
 */
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { failoverServices } from '../../services/console-services';
import {
  type SpareDialog as Dialog,
  storesToSwitch,
  useFailoverStore,
} from '../../store/failover/failover-store';
import './failover.css';

/** Why a node cannot be made the spare, in the page's language when the reason is one it knows. */
function makeSpareReason(
  tr: ReturnType<typeof useTranslator>,
  dialog: Extract<Dialog, { step: 'refused' }>,
): string {
  const names = { node: dialog.name };
  if (dialog.serves && dialog.serves.length > 0)
    return tr.t('spare.make.serves', { ...names, stores: dialog.serves.join(', ') });
  if (dialog.holdsReplicaOf && dialog.holdsReplicaOf.length > 0)
    return tr.t('spare.make.holdsReplica', { ...names, stores: dialog.holdsReplicaOf.join(', ') });
  return dialog.refusal;
}

function DialogBody({ dialog }: { dialog: Dialog }) {
  const tr = useTranslator();
  switch (dialog.step) {
    case 'planning':
      return (
        <p role="status">
          {dialog.kind === 'switch'
            ? tr.t('spare.switch.planning', { store: dialog.store })
            : tr.t('spare.make.planning', { node: dialog.node })}
        </p>
      );
    case 'plan':
    case 'starting':
      if (dialog.kind === 'makeSpare')
        return (
          <>
            <p className="spare-ask">{tr.t('spare.make.ask', { node: dialog.node })}</p>
            <p className="spare-wipe" data-fact="wipe">
              {tr.t('spare.make.wipe', { node: dialog.node })}
            </p>
          </>
        );
      else {
        const { plan } = dialog;
        const names = { store: plan.store, spare: plan.spare, node: plan.servingNode };
        return (
          <>
            <p className="spare-ask">{tr.t('spare.switch.ask', names)}</p>
            <ul className="failover-plan">
              <li data-fact="copy">
                {plan.spareHoldsReplica
                  ? tr.t('spare.switch.copyReplica', names)
                  : tr.t('spare.switch.copyFull', names)}
              </li>
              <li data-fact="pause">{tr.t('spare.switch.pause', names)}</li>
              <li data-fact="after">{tr.t('spare.switch.after', names)}</li>
            </ul>
          </>
        );
      }
    case 'done':
      return (
        <p className="failover-done" role="status">
          {tr.t('spare.make.done', {
            node: dialog.node,
            mailboxes: String(dialog.mailboxes),
            stores: dialog.stores.length > 0 ? dialog.stores.join(', ') : '—',
          })}
        </p>
      );
    case 'refused':
      return (
        <p className="view-state-error spare-refused" role="alert">
          {dialog.kind === 'switch'
            ? tr.t('spare.switch.refused', { store: dialog.name, reason: dialog.refusal })
            : tr.t('spare.make.refused', { node: dialog.name, reason: makeSpareReason(tr, dialog) })}
        </p>
      );
    case 'failed':
      return (
        <p className="view-state-error" role="alert" data-error-code={dialog.error.code}>
          {tr.t('spare.failed', { reason: errorWords(tr, dialog.error) })} ({dialog.error.message})
        </p>
      );
  }
}

/** The spare dialog; shown while the failover store has one. */
function SpareDialog() {
  const tr = useTranslator();
  const dialog = useFailoverStore((s) => s.spareDialog);
  const asking = dialog?.step === 'plan' || dialog?.step === 'starting';
  const title = !dialog
    ? ''
    : dialog.kind === 'switch'
      ? tr.t('spare.switch.title', { store: 'store' in dialog ? dialog.store : dialog.name })
      : tr.t('spare.make.title', { node: 'node' in dialog ? dialog.node : dialog.name });
  return (
    <ConfirmDialog
      name="spare"
      step={dialog?.step}
      open={dialog !== undefined}
      title={title}
      danger={dialog?.kind === 'makeSpare'}
      busy={dialog?.step === 'planning' || dialog?.step === 'starting'}
      {...(asking
        ? {
            confirmLabel:
              dialog.kind === 'switch'
                ? tr.t('spare.switch.confirm', { spare: dialog.plan.spare })
                : tr.t('spare.make.confirm', { node: dialog.node }),
          }
        : {})}
      onConfirm={() => void failoverServices()?.confirmSpare()}
      onClose={() => failoverServices()?.closeSpare()}
    >
      {dialog && <DialogBody dialog={dialog} />}
    </ConfirmDialog>
  );
}

/** The buttons of a store node's page and their dialog; nothing for another tier. */
export function SparePanel({ node, up, role }: { node: string; up: boolean; role: string }) {
  const tr = useTranslator();
  const overview = useFailoverStore((s) => s.overview);
  if (!overview?.mayFailOver || role !== 'store') return null;
  // A healthy store only: a store whose node is down is failed over instead.
  const stores = up ? storesToSwitch(overview, node) : [];
  return (
    <div className="spare-panel" data-node={node}>
      {stores.map((store) => (
        <button
          key={store}
          type="button"
          className="button spare-switch-button"
          data-store={store}
          onClick={() => void failoverServices()?.planSwitch(store)}
        >
          {stores.length > 1 || store !== node
            ? tr.t('spare.switch.buttonOf', { store })
            : tr.t('spare.switch.button')}
        </button>
      ))}
      <button
        type="button"
        className="button button-danger spare-make-button"
        data-node={node}
        onClick={() => void failoverServices()?.planMakeSpare(node)}
      >
        {tr.t('spare.make.button')}
      </button>
      <SpareDialog />
    </div>
  );
}
