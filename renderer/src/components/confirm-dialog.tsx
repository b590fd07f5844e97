/**
 * A modal confirmation (the browser's own `<dialog>`: focus stays inside, Escape cancels). Says what
 * will happen in a sentence, with the agent's count, and offers the action and Cancel; while the
 * action runs, and after, it says how it went.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslator } from '../i18n/use-translator';

interface ConfirmDialogProps {
  open: boolean;
  title: string;
  /** What will happen, or what happened. */
  children: ReactNode;
  /** The action's button; absent when there is nothing left to confirm. */
  confirmLabel?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onClose(): void;
  /** Names this dialog (its class `<name>-dialog` and title id) when several are mounted at once. */
  name?: string;
  /** Where the dialog's flow stands (`data-step`), for tests and styles. */
  step?: string;
}

/** The dialog; rendered always, shown while `open`. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const tr = useTranslator();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = props.name ? `${props.name}-dialog-title` : 'confirm-dialog-title';
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.open && !element.open) element.showModal();
    if (!props.open && element.open) element.close();
  }, [props.open]);
  return (
    <dialog
      ref={dialog}
      className={props.name ? `confirm-dialog ${props.name}-dialog` : 'confirm-dialog'}
      aria-labelledby={titleId}
      data-step={props.step}
      onCancel={(event) => {
        event.preventDefault();
        if (!props.busy) props.onClose();
      }}
    >
      <h2 id={titleId} className="confirm-dialog-title">
        {props.title}
      </h2>
      <div className="confirm-dialog-body" aria-live="polite">
        {props.children}
      </div>
      <div className="confirm-dialog-buttons">
        {props.confirmLabel && (
          <button
            type="button"
            className={props.danger ? 'button button-danger' : 'button button-primary'}
            disabled={props.busy}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        )}
        <button type="button" className="button" disabled={props.busy} onClick={props.onClose}>
          {props.confirmLabel ? tr.t('action.cancel') : tr.t('action.close')}
        </button>
      </div>
    </dialog>
  );
}
