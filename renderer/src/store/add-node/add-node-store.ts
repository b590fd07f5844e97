/**
 * The "Add node" store: whether this console's admin may add nodes (system tier, from
 * `fleet.addNodeForm`), and the dialog: the form, the node being added, the outcome.
 */
import { create } from 'zustand';
import type { AddedNodeView } from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';

/** The dialog's steps. */
export type AddNodeDialog =
  | { step: 'form'; problem?: 'badPorts' }
  | { step: 'adding'; name: string; host: string }
  | { step: 'added'; node: AddedNodeView }
  | { step: 'failed'; name: string; error: ShownError };

export interface AddNodeState {
  mayAddNodes: boolean;
  roles: Array<'store' | 'spare'>;
  dialog: AddNodeDialog | undefined;
}

export interface AddNodeActions {
  receiveForm(form: { mayAddNodes: boolean; roles: Array<'store' | 'spare'> }): void;
  showDialog(dialog: AddNodeDialog | undefined): void;
}

/** Creates an add-node store (one per window). */
export function createAddNodeStore() {
  return create<AddNodeState & AddNodeActions>()((set) => ({
    mayAddNodes: false,
    roles: [],
    dialog: undefined,
    receiveForm: ({ mayAddNodes, roles }) => set({ mayAddNodes, roles }),
    showDialog: (dialog) => set({ dialog }),
  }));
}

export const useAddNodeStore = createAddNodeStore();
