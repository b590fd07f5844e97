/** Any error a service caught, as the views show it: the category for the words, and the detail. */
import type { ShownError } from '../store/shown-error';
import { ConsoleError, ConsoleLinkLost } from './console-error';

/** The category and message of a failed call. */
export function shownErrorOf(error: unknown): ShownError {
  if (error instanceof ConsoleLinkLost) return { kind: 'link', code: error.code, message: error.message };
  if (error instanceof ConsoleError) return { kind: 'console', code: error.code, message: error.message };
  return { kind: 'console', code: 'failed', message: error instanceof Error ? error.message : String(error) };
}
