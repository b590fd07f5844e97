/**
 * An error as the directory view shows it: the directory's own words (English and Japanese) when
 * the directory refused, or a console category (the link or a store node failed) the view words.
 */
import type { ConsoleErrorCode } from '../../../../main/console/console-contract';

/** An error the directory view shows in words. */
export type ShownError =
  | {
      kind: 'directory';
      code: string;
      message: { en: string; ja: string };
      detail: string | null;
      field: string | null;
    }
  | { kind: 'console'; code: ConsoleErrorCode; detail: string };
