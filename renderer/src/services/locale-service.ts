/** The console language: read from main at start, chosen by the user, kept by main. */
import type { ConsoleApi, ConsoleLocale } from '../../../main/console/console-contract';
import type { useUiStore } from '../store/ui/ui-store';

type UiStoreApi = Pick<typeof useUiStore, 'getState'>;

/** Shows the language main has chosen (the saved one, else the system's). */
export async function loadLocale(api: ConsoleApi, store: UiStoreApi): Promise<void> {
  const { locale, system } = await api.locale.get({});
  store.getState().showLocale(locale, system);
}

/** Switches language now and asks main to keep it; a failure is shown, the switch stays. */
export async function chooseLocale(api: ConsoleApi, store: UiStoreApi, locale: ConsoleLocale): Promise<void> {
  store.getState().showLocale(locale);
  try {
    await api.locale.set({ locale });
    store.getState().showActionError(undefined);
  } catch (error) {
    store.getState().showActionError(error instanceof Error ? error.message : String(error));
  }
}
