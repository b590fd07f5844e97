/** How far a read from the console got: shown as loading, the figures, or the error in words. */
import type { ConsoleErrorCode } from '../../../../main/console/console-contract';

/** A failed read or action: the category (for the words) and the detail from the agent. */
export interface ShownError {
  code: ConsoleErrorCode;
  message: string;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';
