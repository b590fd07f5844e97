/**
 * Mailbox moves in the page: the only code that calls `move.*`. A drop (or the "Move to…" menu)
 * names users and a store; the users of "all results" are read from the directory; the store's
 * agent plans; the dialog shows the plan; a confirmation starts a batch of exactly the users that
 * can move. Job changes pushed by the nodes go into the moves store as they come; once a user's
 * move flips, the Directory view's rows and open page are read again.
 */
import type { ConsoleApi, MoveJob, MoveSuggestion } from '../../../main/console/console-contract';
import type { useDirectoryStore } from '../store/directory/directory-store';
import { selectionCount, type UserSelection, userSelectionOf } from '../store/directory/selection-slice';
import { movableUsers } from '../store/moves/move-dialog-slice';
import type { MoveActionOutcome } from '../store/moves/move-jobs-slice';
import type { useMovesStore } from '../store/moves/moves-store';
import { storesServedBy } from '../store/moves/store-list-slice';
import { maxUsersPerBatch } from '../views/moves/move-drag';
import type { DirectoryService } from './directory-service';
import { shownErrorOf } from './shown-error';

type MovesStoreApi = Pick<typeof useMovesStore, 'getState'>;
type DirectoryStoreApi = Pick<typeof useDirectoryStore, 'getState'>;

// Many moves flip within a second in a batch: the Directory view reads its rows once for them,
// and the listing (kept old copies appear once a move is done) is read once for them.
const rowsRefreshDelayMs = 1000;
const listRefreshDelayMs = 2000;

/** The move services of one window. */
export class MoveService {
  private rowsTimer: ReturnType<typeof setTimeout> | undefined;
  private listTimer: ReturnType<typeof setTimeout> | undefined;
  private stopFollowing: (() => void) | undefined;

  constructor(
    private readonly api: ConsoleApi,
    private readonly moves: MovesStoreApi,
    private readonly directoryStore: DirectoryStoreApi,
    private readonly directory: () => DirectoryService | undefined,
  ) {}

  /** Follows the nodes' job changes and reads the store list (once per window). */
  start(): void {
    if (this.stopFollowing) return;
    this.stopFollowing = this.api.events.onMoveProgress(({ job }) => this.jobChanged(job));
    void this.loadStores();
  }

  /** The logical stores and their servers. */
  async loadStores(): Promise<void> {
    try {
      this.moves.getState().receiveStores((await this.api.move.stores({})).stores);
    } catch (error) {
      this.moves.getState().failStores(shownErrorOf(error));
    }
  }

  /** Every node's jobs, batches and kept copies. */
  async refreshMoves(): Promise<void> {
    const askedAt = this.moves.getState().askList();
    try {
      const list = await this.api.move.list({ state: 'all', limit: 1000 });
      this.moves.getState().receiveList(list, askedAt, Date.now());
    } catch (error) {
      this.moves.getState().failList(shownErrorOf(error));
    }
  }

  /** The users picked in the Directory view, if any. */
  picked(): UserSelection | undefined {
    return userSelectionOf(this.directoryStore.getState());
  }

  /** Users dropped on a server's tile (the dashboard): its store, or the question which one. */
  async dropOnNode(node: string, selection: UserSelection): Promise<void> {
    if (!this.moves.getState().stores) await this.loadStores();
    const stores = storesServedBy(this.moves.getState().stores, node);
    if (stores.length === 0) {
      this.moves.getState().openDialog({ step: 'no-store', node });
      return;
    }
    if (stores.length > 1) {
      this.pending = selection;
      this.moves
        .getState()
        .openDialog({ step: 'choose-store', node, stores, count: selectionCount(selection) });
      return;
    }
    await this.moveTo(stores[0]!, selection);
  }

  private pending: UserSelection | undefined;

  /** The store chosen in the dialog for the users dropped on a server serving several. */
  async chooseStore(store: string): Promise<void> {
    const selection = this.pending;
    this.pending = undefined;
    if (selection) await this.moveTo(store, selection);
  }

  /** Opens the dialog for moving `selection` to `to`, with the target's plan. */
  async moveTo(to: string, selection: UserSelection): Promise<void> {
    const count = selectionCount(selection);
    const state = this.moves.getState();
    const serial = state.openDialog({ step: 'planning', to, count });
    if (count > maxUsersPerBatch) {
      state.advanceDialog(serial, {
        step: 'failed',
        to,
        error: {
          kind: 'console',
          code: 'bad-request',
          message: `at most ${maxUsersPerBatch} users in one batch (${count} picked)`,
        },
      });
      return;
    }
    try {
      const users =
        selection.kind === 'users'
          ? selection.addresses
          : ((await this.directory()?.addressesOf(selection.query, selection.total)) ?? []);
      const plan = await this.api.move.plan({ users, to });
      this.planned = { users, to };
      this.moves.getState().advanceDialog(serial, { step: 'plan', to, plan });
    } catch (error) {
      this.moves.getState().advanceDialog(serial, { step: 'failed', to, error: shownErrorOf(error) });
    }
  }

  /** The users and store of the dialog's plan, to plan again at another speed. */
  private planned: { users: string[]; to: string } | undefined;

  /** The dialog's plan asked again at another batch speed (its estimated time follows it). */
  async changeSpeed(speed: { concurrency: number; bandwidthBytesPerSecond: number }): Promise<void> {
    const state = this.moves.getState();
    const dialog = state.dialog;
    const planned = this.planned;
    if ((dialog?.step !== 'plan' && dialog?.step !== 'replanning') || planned?.to !== dialog.to) return;
    const serial = state.openDialog({ step: 'replanning', to: dialog.to, plan: dialog.plan });
    try {
      const plan = await this.api.move.plan({ ...planned, ...speed });
      this.moves.getState().advanceDialog(serial, { step: 'plan', to: dialog.to, plan });
    } catch (error) {
      this.moves
        .getState()
        .advanceDialog(serial, { step: 'failed', to: dialog.to, error: shownErrorOf(error) });
    }
  }

  /** Starts the batch the dialog shows: the users of its plan that can move, at its speed. */
  async confirmMove(): Promise<void> {
    const state = this.moves.getState();
    const dialog = state.dialog;
    if (dialog?.step !== 'plan') return;
    const { to, plan } = dialog;
    const users = movableUsers(plan);
    if (users.length === 0) return;
    const serial = state.openDialog({ step: 'starting', to, plan });
    try {
      const answer = await this.api.move.start({ users, to, ...(plan.speed ?? {}) });
      if (answer.started) {
        this.moves.getState().receiveStarted(answer.jobs);
        this.moves.getState().advanceDialog(serial, { step: 'started', to, jobs: answer.jobs });
        this.directoryStore.getState().clearPicks();
        this.moves.getState().takeSuggestedBatch(to);
      } else {
        this.moves.getState().advanceDialog(serial, {
          step: 'refused',
          to,
          plan,
          refusals: answer.refusals,
          message: answer.message,
        });
      }
    } catch (error) {
      this.moves.getState().advanceDialog(serial, { step: 'failed', to, error: shownErrorOf(error) });
    }
  }

  /** Closes the dialog (a late answer to it is then dropped). */
  closeDialog(): void {
    this.pending = undefined;
    this.moves.getState().closeDialog();
  }

  /** Cancels a move before its flip. */
  async cancel(job: MoveJob): Promise<void> {
    await this.act('cancel', job.user, () => this.api.move.cancel({ job: job.job }));
  }

  /** Cancels the moves of a batch that have not switched over. */
  async cancelBatch(batch: { batch: string; target: string }): Promise<void> {
    await this.act('cancelBatch', batch.target, () => this.api.move.cancel({ batch: batch.batch }));
  }

  /** Moves a user back after a finished move (the old copy is still kept). */
  async rollBack(job: MoveJob): Promise<void> {
    await this.act('rollback', job.user, async () => {
      const { job: back } = await this.api.move.rollback({ job: job.job });
      this.moves.getState().receiveStarted([back]);
    });
  }

  /** Deletes now the old copy a node keeps of a mailbox moved away. */
  async purge(copy: { node: string; user: string }): Promise<void> {
    await this.act('purge', copy.user, () => this.api.move.purge({ node: copy.node, user: copy.user }));
  }

  /** Asks for moves that even out the stores' disk use. */
  async suggest(): Promise<void> {
    this.moves.getState().askSuggestion();
    try {
      this.moves.getState().receiveSuggestion(await this.api.move.suggest({}));
    } catch (error) {
      this.moves.getState().failSuggestion(shownErrorOf(error));
    }
  }

  /** Turns a suggested batch into the move dialog (plan, then confirm). */
  takeSuggestion(batch: MoveSuggestion['batches'][number]): Promise<void> {
    return this.moveTo(batch.to, { kind: 'users', addresses: batch.users });
  }

  private async act(
    kind: MoveActionOutcome['kind'],
    subject: string,
    work: () => Promise<unknown>,
  ): Promise<void> {
    try {
      await work();
      this.moves.getState().acted({ kind, subject });
    } catch (error) {
      this.moves.getState().acted({ kind, subject, error: shownErrorOf(error) });
    }
    await this.refreshMoves();
  }

  private jobChanged(job: MoveJob): void {
    this.moves.getState().receiveProgress(job);
    if (
      job.phase !== 'finishing' &&
      job.phase !== 'done' &&
      job.phase !== 'failed' &&
      job.phase !== 'cancelled'
    )
      return;
    void this.directory()?.refreshOpenUser(job.user);
    this.rowsTimer ??= setTimeout(() => {
      this.rowsTimer = undefined;
      void this.directory()?.refreshLoadedRows();
    }, rowsRefreshDelayMs);
    this.listTimer ??= setTimeout(() => {
      this.listTimer = undefined;
      void this.refreshMoves();
    }, listRefreshDelayMs);
  }
}
