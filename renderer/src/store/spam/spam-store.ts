/**
 * The spam store: one gateway's status (`gateway.status`: greylist figures, scanning, blocked
 * clients) and its decisions over the last hour (`spam.statistics`).
 */
import { create } from 'zustand';
import type { ConsoleCallResult } from '../../../../main/console/console-contract';
import type { LoadStatus } from '../queues/load-state';
import type { ShownError } from '../shown-error';

export type GatewayStatus = ConsoleCallResult<'gateway.status'>;
export type SpamStatistics = ConsoleCallResult<'spam.statistics'>;

export interface SpamState {
  /** The gateway shown (the first one of the fleet unless the user picks another). */
  gatewayNode: string | undefined;
  gatewayStatus: GatewayStatus | undefined;
  statistics: SpamStatistics | undefined;
  spamStatus: LoadStatus;
  spamError: ShownError | undefined;
}

export interface SpamActions {
  chooseGateway(node: string): void;
  loadingSpam(): void;
  /** `status` is absent for a department administrator (gateway.status is staff's). */
  receiveSpam(node: string, status: GatewayStatus | undefined, statistics: SpamStatistics): void;
  failSpam(error: ShownError): void;
}

export const spamInitialState: SpamState = {
  gatewayNode: undefined,
  gatewayStatus: undefined,
  statistics: undefined,
  spamStatus: 'idle',
  spamError: undefined,
};

/** Creates a spam store (one per window; tests make their own). */
export function createSpamStore() {
  return create<SpamState & SpamActions>()((set) => ({
    ...spamInitialState,
    chooseGateway: (gatewayNode) =>
      set((s) => (s.gatewayNode === gatewayNode ? {} : { ...spamInitialState, gatewayNode })),
    loadingSpam: () => set((s) => (s.statistics ? {} : { spamStatus: 'loading', spamError: undefined })),
    receiveSpam: (node, gatewayStatus, statistics) =>
      set((s) =>
        s.gatewayNode !== node
          ? {}
          : { gatewayStatus, statistics, spamStatus: 'ready', spamError: undefined },
      ),
    failSpam: (spamError) => set((s) => ({ spamStatus: s.statistics ? 'ready' : 'error', spamError })),
  }));
}

/** The window's spam store. */
export const useSpamStore = createSpamStore();
