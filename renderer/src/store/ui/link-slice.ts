/** Whether the page is connected to the console (browser mode can lose its WebSocket). */
import type { StateCreator } from 'zustand';
import type { LinkState } from '../../services/websocket-adapter';
import type { UiStore } from './ui-store';

export interface LinkSliceState {
  link: LinkState;
  /** Why the last user action failed, in words; cleared by the next one. */
  actionError: string | undefined;
}

export interface LinkActions {
  showLink(link: LinkState): void;
  showActionError(message: string | undefined): void;
}

export const createLinkSlice: StateCreator<UiStore, [], [], LinkSliceState & LinkActions> = (set) => ({
  link: 'open',
  actionError: undefined,
  showLink: (link) => set({ link }),
  showActionError: (actionError) => set({ actionError }),
});
