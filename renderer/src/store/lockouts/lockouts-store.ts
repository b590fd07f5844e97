/**
 * The lockouts store: login names and client addresses whose password checks are throttled or
 * locked on the nodes that check passwords (`auth.lockouts` of every store, spare, director and
 * directory node), the nodes that did not answer, and the outcome of the last unlock.
 */
import { create } from 'zustand';
import type { FleetLockout } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';

/** What the last unlock did: which lockout, and its error if it failed. */
export interface UnlockOutcome {
  node: string;
  service: FleetLockout['service'];
  kind: FleetLockout['kind'];
  name: string;
  error?: ShownError;
}

export interface LockoutsState {
  lockouts: FleetLockout[];
  failures: Array<{ node: string; message: string }>;
  status: LoadStatus;
  error: ShownError | undefined;
  at: number | undefined;
  lastUnlock: UnlockOutcome | undefined;
}

export interface LockoutsActions {
  loadingLockouts(): void;
  receiveLockouts(lockouts: FleetLockout[], failures: LockoutsState['failures'], at: number): void;
  failLockouts(error: ShownError): void;
  unlocked(outcome: UnlockOutcome): void;
}

/** Creates a lockouts store (one per window; tests make their own). */
export function createLockoutsStore() {
  return create<LockoutsState & LockoutsActions>()((set) => ({
    lockouts: [],
    failures: [],
    status: 'idle',
    error: undefined,
    at: undefined,
    lastUnlock: undefined,
    loadingLockouts: () => set((s) => (s.status === 'ready' ? {} : { status: 'loading', error: undefined })),
    receiveLockouts: (lockouts, failures, at) =>
      set({ lockouts, failures, at, status: 'ready', error: undefined }),
    // A failed refresh keeps what was shown (with the error above it).
    failLockouts: (error) => set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error })),
    unlocked: (outcome) =>
      set((s) => ({
        lastUnlock: outcome,
        lockouts: outcome.error
          ? s.lockouts
          : s.lockouts.filter(
              (l) =>
                !(
                  l.service === outcome.service &&
                  l.node === outcome.node &&
                  l.kind === outcome.kind &&
                  l.name === outcome.name
                ),
            ),
      })),
  }));
}

/** The window's lockouts store. */
export const useLockoutsStore = createLockoutsStore();
