/**
 * The move dialog (the browser's own modal `<dialog>`: focus stays inside, Escape closes): after a
 * drop or "Move to…", it says how many mailboxes, messages and bytes would move, how full the
 * target's disk would be, about how long it takes, who cannot move and why, and asks to confirm;
 * then what starting answered. Mounted once for the window: drops come from several views.
 */
import { useEffect, useRef, useState } from 'react';
import './moves.css';
import { errorWords } from '../../components/error-words';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import { goTo } from '../../services/navigation-service';
import { type MoveDialog as Dialog, movableUsers } from '../../store/moves/move-dialog-slice';
import { useMovesStore } from '../../store/moves/moves-store';
import { MovePlanFacts, RefusalList } from './move-plan-facts';
import { MoveSpeedFields } from './move-speed-fields';

/** The dialog; shown while the moves store has one. */
export function MoveDialog() {
  const tr = useTranslator();
  const dialog = useMovesStore((s) => s.dialog);
  const element = useRef<HTMLDialogElement>(null);
  const open = dialog !== undefined;
  useEffect(() => {
    const shown = element.current;
    if (!shown) return;
    if (open && !shown.open) shown.showModal();
    if (!open && shown.open) shown.close();
  }, [open]);
  // Whether the plan shown is for the speed its fields say (after a change it is asked again).
  const [speedSettled, setSpeedSettled] = useState(true);
  useEffect(() => {
    if (!open) setSpeedSettled(true);
  }, [open]);
  const busy = dialog?.step === 'planning' || dialog?.step === 'starting' || dialog?.step === 'replanning';
  const close = () => moveServices()?.closeDialog();
  return (
    <dialog
      ref={element}
      className="confirm-dialog move-dialog"
      aria-labelledby="move-dialog-title"
      data-step={dialog?.step}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) close();
      }}
    >
      <h2 id="move-dialog-title" className="confirm-dialog-title">
        {tr.t('move.dialog.title')}
      </h2>
      <div className="confirm-dialog-body" aria-live="polite">
        {dialog && <DialogBody dialog={dialog} onSpeedSettled={setSpeedSettled} />}
      </div>
      <div className="confirm-dialog-buttons">
        {(dialog?.step === 'plan' || dialog?.step === 'starting' || dialog?.step === 'replanning') &&
          movableUsers(dialog.plan).length > 0 && (
            <button
              type="button"
              className="button button-primary"
              disabled={busy || !speedSettled}
              onClick={() => void moveServices()?.confirmMove()}
            >
              {tr.t('move.confirm', { n: movableUsers(dialog.plan).length })}
            </button>
          )}
        {dialog?.step === 'started' && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              close();
              goTo({ view: 'moves' });
            }}
          >
            {tr.t('move.openPanel')}
          </button>
        )}
        <button type="button" className="button" disabled={busy} onClick={close}>
          {dialog?.step === 'plan' || dialog?.step === 'replanning' || dialog?.step === 'choose-store'
            ? tr.t('action.cancel')
            : tr.t('action.close')}
        </button>
      </div>
    </dialog>
  );
}

function DialogBody({
  dialog,
  onSpeedSettled,
}: {
  dialog: Dialog;
  onSpeedSettled: (settled: boolean) => void;
}) {
  const tr = useTranslator();
  switch (dialog.step) {
    case 'choose-store':
      return (
        <>
          <p>{tr.t('move.chooseStore', { node: dialog.node, n: dialog.count })}</p>
          <ul className="plain-list move-store-choices">
            {dialog.stores.map((store) => (
              <li key={store}>
                <button
                  type="button"
                  className="button"
                  onClick={() => void moveServices()?.chooseStore(store)}
                >
                  {store}
                </button>
              </li>
            ))}
          </ul>
        </>
      );
    case 'no-store':
      return (
        <p className="view-state-error" role="alert">
          {tr.t('move.noStore', { node: dialog.node })}
        </p>
      );
    case 'planning':
      return <p role="status">{tr.t('move.dialog.planning', { n: dialog.count, store: dialog.to })}</p>;
    case 'plan':
    case 'replanning':
    case 'starting': {
      const movable = movableUsers(dialog.plan).length;
      return (
        <>
          {movable > 0 ? (
            <p className="move-ask">{tr.t('move.dialog.ask', { n: movable, store: dialog.to })}</p>
          ) : (
            <p className="move-ask view-state-error" role="alert">
              {tr.t('move.plan.nothing', { store: dialog.to })}
            </p>
          )}
          {movable > 0 && <MovePlanFacts plan={dialog.plan} />}
          <RefusalList plan={dialog.plan} refusals={dialog.plan.refusals} />
          {movable > 0 && dialog.plan.refusals.length > 0 && (
            <p className="hint">{tr.t('move.plan.someRefused')}</p>
          )}
          {movable > 0 && (
            <MoveSpeedFields
              speed={dialog.plan.speed}
              disabled={dialog.step === 'starting'}
              onSettled={onSpeedSettled}
            />
          )}
          {movable > 0 && (
            <>
              <p className="hint">{tr.t('move.plan.during')}</p>
              <p className="hint">{tr.t('move.plan.server', { node: dialog.plan.node })}</p>
            </>
          )}
        </>
      );
    }
    case 'started':
      return (
        <p role="status" className="move-started">
          {tr.t('move.started', { n: dialog.jobs.length, store: dialog.to })}
        </p>
      );
    case 'refused':
      return (
        <div role="alert">
          <p className="view-state-error">{tr.t('move.refusedAtStart', { store: dialog.to })}</p>
          <RefusalList plan={dialog.plan} refusals={dialog.refusals} />
        </div>
      );
    case 'failed': {
      const words =
        dialog.error.code === 'unavailable' && dialog.to
          ? tr.t('move.failed.unavailable', { store: dialog.to })
          : dialog.error.code === 'bad-request' && /at most 10000 users/.test(dialog.error.message)
            ? tr.t('move.failed.tooMany')
            : errorWords(tr, dialog.error);
      return (
        <div role="alert" className="move-failed" data-error-code={dialog.error.code}>
          <p className="move-failed-title">{tr.t('move.failed.title')}</p>
          <p className="view-state-error">{words}</p>
          <p className="muted move-technical">{tr.t('move.technical', { detail: dialog.error.message })}</p>
        </div>
      );
    }
  }
}
