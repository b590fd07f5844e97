/** The ui store: language and link state, built from slices. */
import { create } from 'zustand';
import type { ConsoleLocale } from '../../../../main/console/console-contract';
import { browserLocale } from '../../i18n/translate';
import { createLinkSlice, type LinkActions, type LinkSliceState } from './link-slice';
import { createLocaleSlice, type LocaleActions, type LocaleState } from './locale-slice';

export type UiStore = LocaleState & LocaleActions & LinkSliceState & LinkActions;

/** Creates a ui store starting in `locale`. */
export function createUiStore(locale: ConsoleLocale) {
  return create<UiStore>()((...a) => ({ ...createLocaleSlice(locale)(...a), ...createLinkSlice(...a) }));
}

/** The window's ui store; until main answers, the browser's language decides. */
export const useUiStore = createUiStore(
  browserLocale(typeof navigator === 'undefined' ? [] : [...navigator.languages]),
);
