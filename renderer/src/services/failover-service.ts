/**
 * Failover in the page: the only code that calls `failover.*`. The overview (who may, stores,
 * every node's jobs) is read every 2 s, so a running job's steps show as they happen; a button
 * asks for the plan, the dialog shows it, and one confirmation starts the job.
 */
import type { ConsoleApi } from '../../../main/console/console-contract';
import type { useFailoverStore } from '../store/failover/failover-store';
import { shownErrorOf } from './shown-error';

type FailoverStoreApi = Pick<typeof useFailoverStore, 'getState'>;

// A job's steps take a second or two each: a 2 s read shows each of them without loading the nodes.
const overviewEveryMs = 2000;

/** The failover services of one window. */
export class FailoverService {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly api: ConsoleApi,
    private readonly store: FailoverStoreApi,
  ) {}

  /** Reads the overview now and every 2 s (once per window). */
  start(): void {
    if (this.timer) return;
    const tick = async () => {
      await this.refresh();
      this.timer = setTimeout(() => void tick(), overviewEveryMs);
    };
    this.timer = setTimeout(() => void tick(), 0);
  }

  async refresh(): Promise<void> {
    try {
      this.store.getState().receiveOverview(await this.api.failover.overview({}));
    } catch {
      // Kept as it was: the next read tries again, and the dashboard says when the console is cut off.
    }
  }

  /** The button: the plan of failing `store` over, in the dialog. */
  async plan(store: string): Promise<void> {
    const state = this.store.getState();
    state.showDialog({ step: 'planning', store });
    try {
      const plan = await this.api.failover.plan({ store });
      state.showDialog(
        plan.possible ? { step: 'plan', store, plan } : { step: 'refused', store, refusal: plan.refusal },
      );
    } catch (error) {
      state.showDialog({ step: 'failed', store, error: shownErrorOf(error) });
    }
  }

  /** The confirmation: starts the job; the dialog closes and the tile follows the steps. */
  async confirm(): Promise<void> {
    const state = this.store.getState();
    const dialog = state.dialog;
    if (dialog?.step !== 'plan') return;
    state.showDialog({ ...dialog, step: 'starting' });
    try {
      const { job } = await this.api.failover.start({ store: dialog.store });
      state.jobStarted(job);
      state.showDialog(undefined);
      void this.refresh();
    } catch (error) {
      state.showDialog({ step: 'failed', store: dialog.store, error: shownErrorOf(error) });
    }
  }

  close(): void {
    this.store.getState().showDialog(undefined);
  }

  /** "Switch to spare" on a healthy store: the plan in the spare dialog. */
  async planSwitch(store: string): Promise<void> {
    const state = this.store.getState();
    state.showSpareDialog({ kind: 'switch', step: 'planning', store });
    try {
      const plan = await this.api.failover.switchPlan({ store });
      state.showSpareDialog(
        plan.possible
          ? { kind: 'switch', step: 'plan', store, plan }
          : { kind: 'switch', step: 'refused', name: store, refusal: plan.refusal },
      );
    } catch (error) {
      state.showSpareDialog({ kind: 'switch', step: 'failed', name: store, error: shownErrorOf(error) });
    }
  }

  /** "Make spare" on a node: whether it can be, in the spare dialog. */
  async planMakeSpare(node: string): Promise<void> {
    const state = this.store.getState();
    state.showSpareDialog({ kind: 'makeSpare', step: 'planning', node });
    try {
      const plan = await this.api.failover.makeSparePlan({ node });
      state.showSpareDialog(
        plan.possible
          ? { kind: 'makeSpare', step: 'plan', node }
          : {
              kind: 'makeSpare',
              step: 'refused',
              name: node,
              refusal: plan.refusal,
              serves: plan.serves,
              holdsReplicaOf: plan.holdsReplicaOf,
            },
      );
    } catch (error) {
      state.showSpareDialog({ kind: 'makeSpare', step: 'failed', name: node, error: shownErrorOf(error) });
    }
  }

  /**
   * The spare dialog's confirmation: a switch-over starts (the dialog closes and the node view
   * follows its steps), or the node is made the spare (the dialog says what was deleted).
   */
  async confirmSpare(): Promise<void> {
    const state = this.store.getState();
    const dialog = state.spareDialog;
    if (dialog?.step !== 'plan') return;
    state.showSpareDialog({ ...dialog, step: 'starting' });
    const name = dialog.kind === 'switch' ? dialog.store : dialog.node;
    try {
      if (dialog.kind === 'switch') {
        const { job } = await this.api.failover.switch({ store: dialog.store });
        state.jobStarted(job);
        state.showSpareDialog(undefined);
      } else {
        const made = await this.api.failover.makeSpare({ node: dialog.node });
        state.showSpareDialog({
          kind: 'makeSpare',
          step: 'done',
          node: made.node,
          stores: made.stores,
          mailboxes: made.mailboxes,
        });
      }
      void this.refresh();
    } catch (error) {
      state.showSpareDialog({ kind: dialog.kind, step: 'failed', name, error: shownErrorOf(error) });
    }
  }

  closeSpare(): void {
    this.store.getState().showSpareDialog(undefined);
  }
}
