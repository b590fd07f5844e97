/**
 * An error as the views show it: a failed console call (its category, for the words, and the
 * detail from main or the agent), or, in the directory view, the directory's refusal in its own
 * words (English and Japanese) and the field it names.
 */
import type { ConsoleErrorCode } from '../../../main/console/console-contract';

/**
 * A console call that failed: a node, or the agent's refusal (`console`), or the page's link to
 * the console, down while it reconnects (`link`: no node was asked).
 */
export interface ShownError {
  kind: 'console' | 'link';
  code: ConsoleErrorCode;
  message: string;
}

/** The directory refused a read or write, in its own words. */
export interface DirectoryRefusalShown {
  kind: 'directory';
  code: string;
  message: { en: string; ja: string };
  detail: string | null;
  field: string | null;
}

/** What the directory view shows: the directory's refusal, or a failed call. */
export type DirectoryViewError = DirectoryRefusalShown | ShownError;
