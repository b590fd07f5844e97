/** The console language: what is chosen and what the system suggests. */
import type { StateCreator } from 'zustand';
import type { ConsoleLocale } from '../../../../main/console/console-contract';
import type { UiStore } from './ui-store';

export interface LocaleState {
  locale: ConsoleLocale;
  systemLocale: ConsoleLocale | undefined;
}

export interface LocaleActions {
  showLocale(locale: ConsoleLocale, systemLocale?: ConsoleLocale): void;
}

export const createLocaleSlice =
  (initial: ConsoleLocale): StateCreator<UiStore, [], [], LocaleState & LocaleActions> =>
  (set) => ({
    locale: initial,
    systemLocale: undefined,
    showLocale: (locale, systemLocale) =>
      set((state) => ({ locale, systemLocale: systemLocale ?? state.systemLocale })),
  });
