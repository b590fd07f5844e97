/** The ui store: language, link state and the view shown, built from slices. */
import { create } from 'zustand';
import type { ConsoleLocale } from '../../../../main/console/console-contract';
import { browserLocale } from '../../i18n/translate';
import { createLinkSlice, type LinkActions, type LinkSliceState } from './link-slice';
import { createLocaleSlice, type LocaleActions, type LocaleState } from './locale-slice';
import { createViewSlice, type ViewActions, type ViewState } from './view-slice';

export type UiStore = LocaleState & LocaleActions & LinkSliceState & LinkActions & ViewState & ViewActions;

/** Creates a ui store starting in `locale`. */
export function createUiStore(locale: ConsoleLocale) {
  return create<UiStore>()((...a) => ({
    ...createLocaleSlice(locale)(...a),
    ...createLinkSlice(...a),
    ...createViewSlice(...a),
  }));
}

/** The window's ui store; until main answers, the browser's language decides. */
export const useUiStore = createUiStore(
  browserLocale(typeof navigator === 'undefined' ? [] : [...navigator.languages]),
);
