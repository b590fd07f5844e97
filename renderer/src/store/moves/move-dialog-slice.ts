/**
 * The move dialog, from the drop (or the "Move to…" menu) to the started batch: which users go
 * where, the target's plan (mailboxes, messages, bytes, disk after, time, who cannot move and
 * why), and what starting them answered. One dialog at a time; a late answer for a dialog that
 * was closed or replaced is dropped (`serial`).
 */
import type { StateCreator } from 'zustand';
import type { MoveJob, MovePlan, MoveRefusal } from '../../../../main/console/console-contract';
import type { ShownError } from '../shown-error';
import type { MovesStore } from './moves-store';

/** Where the dialog is. */
export type MoveDialog =
  /** Dropped on a server that serves several stores: which one. */
  | { step: 'choose-store'; node: string; stores: string[]; count: number }
  /** Dropped on a server that serves none (a spare). */
  | { step: 'no-store'; node: string }
  /** Reading who is selected and asking the target for its plan. */
  | { step: 'planning'; to: string; count: number }
  | { step: 'plan'; to: string; plan: MovePlan }
  /** Asking the target again for the plan at another speed (the old one stays shown). */
  | { step: 'replanning'; to: string; plan: MovePlan }
  | { step: 'starting'; to: string; plan: MovePlan }
  | { step: 'started'; to: string; jobs: MoveJob[] }
  /** The target refused the batch when starting it (something changed since the plan). */
  | { step: 'refused'; to: string; plan: MovePlan; refusals: MoveRefusal[]; message: string }
  | { step: 'failed'; to: string | undefined; error: ShownError };

export interface MoveDialogState {
  dialog: MoveDialog | undefined;
  /** Rises with every new dialog and step asked, so an old answer is known. */
  dialogSerial: number;
}

export interface MoveDialogActions {
  /** Opens the dialog at a step; returns its serial. */
  openDialog(dialog: MoveDialog): number;
  /** Moves an open dialog on, unless it was closed or replaced since `serial`. */
  advanceDialog(serial: number, dialog: MoveDialog): void;
  closeDialog(): void;
}

export const moveDialogInitialState: MoveDialogState = { dialog: undefined, dialogSerial: 0 };

export const createMoveDialogSlice: StateCreator<MovesStore, [], [], MoveDialogState & MoveDialogActions> = (
  set,
  get,
) => ({
  ...moveDialogInitialState,
  openDialog: (dialog) => {
    const dialogSerial = get().dialogSerial + 1;
    set({ dialog, dialogSerial });
    return dialogSerial;
  },
  advanceDialog: (serial, dialog) => set((s) => (s.dialogSerial === serial && s.dialog ? { dialog } : s)),
  closeDialog: () => set((s) => ({ dialog: undefined, dialogSerial: s.dialogSerial + 1 })),
});

/** The users of a plan that can move (a start must name only them: it is all or none). */
export function movableUsers(plan: MovePlan): string[] {
  return plan.users.filter((entry) => !entry.refusal).map((entry) => entry.user);
}
