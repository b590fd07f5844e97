/**
 * "Add node" on the dashboard (system admins only): a button, and a dialog with the fields of
 * `mailfleet node add`; the console core installs the agent through the admin's ssh and the new
 * node shows on the dashboard as soon as it answers.
 */
import { useRef } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { errorWords } from '../../components/error-words';
import type { MessageKey } from '../../i18n/messages-en';
import { useTranslator } from '../../i18n/use-translator';
import type { AddNodeForm } from '../../services/add-node-service';
import { addNodeServices } from '../../services/console-services';
import { type AddNodeDialog as Dialog, useAddNodeStore } from '../../store/add-node/add-node-store';

const textFields: Array<{ name: Exclude<keyof AddNodeForm, 'role'>; label: MessageKey; required?: boolean }> =
  [
    { name: 'host', label: 'addNode.host', required: true },
    { name: 'name', label: 'addNode.name', required: true },
    { name: 'address', label: 'addNode.address' },
    { name: 'listen', label: 'addNode.listen' },
    { name: 'controlPort', label: 'addNode.controlPort' },
  ];

function formOf(element: HTMLFormElement | null): AddNodeForm {
  const data = new FormData(element ?? undefined);
  const text = (name: string) => String(data.get(name) ?? '');
  return {
    host: text('host'),
    name: text('name'),
    role: text('role') === 'spare' ? 'spare' : 'store',
    address: text('address'),
    listen: text('listen'),
    controlPort: text('controlPort'),
    lmtpPort: text('lmtpPort'),
    imapPort: text('imapPort'),
    pop3Port: text('pop3Port'),
    prefix: text('prefix'),
    sshConfigFile: text('sshConfigFile'),
  };
}

function Outcome({ dialog }: { dialog: Exclude<Dialog, { step: 'form' }> }) {
  const tr = useTranslator();
  switch (dialog.step) {
    case 'adding':
      return <p role="status">{tr.t('addNode.adding', { name: dialog.name, host: dialog.host })}</p>;
    case 'added': {
      const { node } = dialog;
      return (
        <>
          <p role="status" data-added={node.name}>
            {tr.t('addNode.added', {
              name: node.name,
              address: node.address,
              port: String(node.controlPort),
              fingerprint: node.hostKeyFingerprint,
            })}
          </p>
          {node.logicalStore && <p>{tr.t('addNode.addedStore', { store: node.logicalStore })}</p>}
        </>
      );
    }
    case 'failed':
      return (
        <p className="view-state-error" role="alert" data-error-code={dialog.error.code}>
          {tr.t('addNode.failed', { name: dialog.name, reason: errorWords(tr, dialog.error) })} (
          {dialog.error.message})
        </p>
      );
  }
}

/** The button and its dialog; nothing for admins who may not add nodes. */
export function AddNodeButton() {
  const tr = useTranslator();
  const form = useRef<HTMLFormElement>(null);
  const { mayAddNodes, roles, dialog } = useAddNodeStore();
  if (!mayAddNodes) return null;
  return (
    <>
      <button type="button" className="button add-node-button" onClick={() => addNodeServices()?.open()}>
        {tr.t('addNode.button')}
      </button>
      <ConfirmDialog
        name="add-node"
        step={dialog?.step}
        open={dialog !== undefined}
        title={tr.t('addNode.title')}
        busy={dialog?.step === 'adding'}
        {...(dialog?.step === 'form' ? { confirmLabel: tr.t('addNode.confirm') } : {})}
        onConfirm={() => {
          if (form.current?.reportValidity()) void addNodeServices()?.submit(formOf(form.current));
        }}
        onClose={() => addNodeServices()?.close()}
      >
        {dialog?.step === 'form' ? (
          <form ref={form} className="add-node-form" onSubmit={(event) => event.preventDefault()}>
            <p>{tr.t('addNode.intro')}</p>
            {dialog.problem === 'badPorts' && (
              <p className="view-state-error" role="alert">
                {tr.t('addNode.badPorts')}
              </p>
            )}
            {textFields.slice(0, 2).map((field) => (
              <label key={field.name}>
                {tr.t(field.label)}
                <input name={field.name} required={field.required} autoComplete="off" spellCheck={false} />
              </label>
            ))}
            <label>
              {tr.t('addNode.role')}
              <select name="role" defaultValue="store">
                {roles.map((role) => (
                  <option key={role} value={role}>
                    {tr.t(role === 'store' ? 'addNode.role.store' : 'addNode.role.spare')}
                  </option>
                ))}
              </select>
            </label>
            {textFields.slice(2).map((field) => (
              <label key={field.name}>
                {tr.t(field.label)}
                <input name={field.name} autoComplete="off" spellCheck={false} />
              </label>
            ))}
            <fieldset className="add-node-ports">
              <legend>{tr.t('addNode.mailPorts')}</legend>
              <input name="lmtpPort" aria-label="LMTP" inputMode="numeric" placeholder="24" />
              <input name="imapPort" aria-label="IMAP" inputMode="numeric" placeholder="143" />
              <input name="pop3Port" aria-label="POP3" inputMode="numeric" placeholder="110" />
            </fieldset>
            <label>
              {tr.t('addNode.prefix')}
              <input name="prefix" autoComplete="off" spellCheck={false} />
            </label>
            <label>
              {tr.t('addNode.sshConfig')}
              <input name="sshConfigFile" autoComplete="off" spellCheck={false} />
            </label>
          </form>
        ) : (
          dialog && <Outcome dialog={dialog} />
        )}
      </ConfirmDialog>
    </>
  );
}
