/**
 * "Add node" in the page: the only code that calls `fleet.addNodeForm` and `fleet.addNode`. The
 * form's text fields become the call's params here (empty means the default); the console core
 * does the work and the new node appears on the dashboard with the next push.
 */
import type { ConsoleApi, ConsoleCallParams } from '../../../main/console/console-contract';
import type { useAddNodeStore } from '../store/add-node/add-node-store';
import { shownErrorOf } from './shown-error';

type AddNodeStoreApi = Pick<typeof useAddNodeStore, 'getState'>;

/** The dialog's fields as typed. */
export interface AddNodeForm {
  host: string;
  name: string;
  role: 'store' | 'spare';
  address: string;
  listen: string;
  controlPort: string;
  lmtpPort: string;
  imapPort: string;
  pop3Port: string;
  prefix: string;
  sshConfigFile: string;
}

const portText = /^\d{1,5}$/;

/** The params of `fleet.addNode` from the form, or undefined when the ports are not numbers. */
export function addNodeParamsOf(form: AddNodeForm): ConsoleCallParams<'fleet.addNode'> | undefined {
  const text = (value: string) => value.trim();
  const mail = [form.lmtpPort, form.imapPort, form.pop3Port].map(text);
  const control = text(form.controlPort);
  const ports = [...mail.filter((p) => p !== ''), ...(control ? [control] : [])];
  if (ports.some((p) => !portText.test(p) || Number(p) < 1 || Number(p) > 65535)) return undefined;
  const given = mail.filter((p) => p !== '').length;
  if (given !== 0 && given !== 3) return undefined;
  const optional = (key: string, value: string) => (text(value) ? { [key]: text(value) } : {});
  return {
    host: text(form.host),
    name: text(form.name),
    role: form.role,
    ...optional('address', form.address),
    ...optional('listen', form.listen),
    ...optional('prefix', form.prefix),
    ...optional('sshConfigFile', form.sshConfigFile),
    ...(control ? { controlPort: Number(control) } : {}),
    ...(given === 3
      ? { mailPorts: { lmtp: Number(mail[0]), imap: Number(mail[1]), pop3: Number(mail[2]) } }
      : {}),
  };
}

/** The add-node services of one window. */
export class AddNodeService {
  constructor(
    private readonly api: ConsoleApi,
    private readonly store: AddNodeStoreApi,
  ) {}

  /** Reads whether this admin may add nodes (the button shows only then). */
  async load(): Promise<void> {
    try {
      this.store.getState().receiveForm(await this.api.fleet.addNodeForm({}));
    } catch {
      // No button: the page says nothing it cannot do.
    }
  }

  open(): void {
    this.store.getState().showDialog({ step: 'form' });
  }

  /** Adds the node; the dialog says how it went. */
  async submit(form: AddNodeForm): Promise<void> {
    const state = this.store.getState();
    const params = addNodeParamsOf(form);
    if (!params) {
      state.showDialog({ step: 'form', problem: 'badPorts' });
      return;
    }
    state.showDialog({ step: 'adding', name: params.name, host: params.host });
    try {
      state.showDialog({ step: 'added', node: await this.api.fleet.addNode(params) });
    } catch (error) {
      state.showDialog({ step: 'failed', name: params.name, error: shownErrorOf(error) });
    }
  }

  close(): void {
    this.store.getState().showDialog(undefined);
  }
}
