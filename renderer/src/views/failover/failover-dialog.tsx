/**
 * The failover dialog (the browser's modal `<dialog>`): the plan in words (which node serves the
 * store from its replica now, where the new replica goes, what users notice, whether anything is
 * lost) and one question; or why the store cannot be failed over. Mounted once for the window.
 */
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { failoverServices } from '../../services/console-services';
import { type FailoverDialog as Dialog, useFailoverStore } from '../../store/failover/failover-store';
import './failover.css';

function DialogBody({ dialog }: { dialog: Dialog }) {
  const tr = useTranslator();
  switch (dialog.step) {
    case 'planning':
      return <p role="status">{tr.t('failover.dialog.planning', { store: dialog.store })}</p>;
    case 'plan':
    case 'starting': {
      const { plan } = dialog;
      const names = { store: plan.store, takeOver: plan.takeOverNode, failed: plan.failedNode };
      return (
        <>
          <p className="failover-ask">{tr.t('failover.ask', names)}</p>
          <ul className="failover-plan">
            <li data-fact="serves">{tr.t('failover.plan.serves', names)}</li>
            <li data-fact="spare">
              {plan.spare
                ? tr.t('failover.plan.spare', {
                    store: plan.store,
                    spare: plan.spare,
                    takeOver: plan.takeOverNode,
                  })
                : tr.t('failover.plan.noSpare', { store: plan.store })}
            </li>
            <li data-fact="users">{tr.t('failover.plan.users', names)}</li>
            <li data-fact="loss" data-protection={plan.protection}>
              {plan.protection === 'protected'
                ? tr.t('failover.plan.protected', names)
                : plan.protection === 'unknown'
                  ? tr.t('failover.plan.unknown', names)
                  : tr.t('failover.plan.unprotected', names)}
            </li>
          </ul>
        </>
      );
    }
    case 'refused':
      return (
        <p className="view-state-error" role="alert">
          {tr.t('failover.refused', { store: dialog.store, reason: dialog.refusal })}
        </p>
      );
    case 'failed':
      return (
        <p className="view-state-error" role="alert" data-error-code={dialog.error.code}>
          {tr.t('failover.failed', { reason: errorWords(tr, dialog.error) })} ({dialog.error.message})
        </p>
      );
  }
}

/** The dialog; shown while the failover store has one. */
export function FailoverDialog() {
  const tr = useTranslator();
  const dialog = useFailoverStore((s) => s.dialog);
  const asking = dialog?.step === 'plan' || dialog?.step === 'starting';
  return (
    <ConfirmDialog
      name="failover"
      step={dialog?.step}
      open={dialog !== undefined}
      title={dialog ? tr.t('failover.dialog.title', { store: dialog.store }) : ''}
      danger
      busy={dialog?.step === 'planning' || dialog?.step === 'starting'}
      {...(asking ? { confirmLabel: tr.t('failover.confirm', { node: dialog.plan.takeOverNode }) } : {})}
      onConfirm={() => void failoverServices()?.confirm()}
      onClose={() => failoverServices()?.close()}
    >
      {dialog && <DialogBody dialog={dialog} />}
    </ConfirmDialog>
  );
}
