/**
 * Which view the window shows: the dashboard, a node, the queues, spam or audit. The address bar
 * mirrors it (`#/nodes/store03`) so a reload or the back button keeps the place; the navigation
 * service does that, this slice only holds it.
 */
import type { StateCreator } from 'zustand';
import type { UiStore } from './ui-store';

/** The views of the console, in the order the navigation shows them. */
export const consoleViews = [
  'dashboard',
  'nodes',
  'queues',
  'trace',
  'spam',
  'audit',
  'directory',
  'moves',
  'lockouts',
] as const;
export type ConsoleView = (typeof consoleViews)[number];

/** A place in the console: a view, and for the node view which node, for the directory which user. */
export interface ConsolePlace {
  view: ConsoleView;
  node?: string;
  /** The user page open in the directory view (its primary address). */
  user?: string;
}

export interface ViewState {
  place: ConsolePlace;
}

export interface ViewActions {
  showPlace(place: ConsolePlace): void;
}

/** The address fragment of a place: `#/queues`, `#/nodes/store03`. */
export function hashOfPlace(place: ConsolePlace): string {
  if (place.view === 'nodes' && place.node) return `#/nodes/${encodeURIComponent(place.node)}`;
  if (place.view === 'directory' && place.user) return `#/directory/${encodeURIComponent(place.user)}`;
  return `#/${place.view}`;
}

/**
 * The place an address fragment names; undefined for fragments that are not places (the skip
 * link's `#main`), so they leave the view as it is.
 */
export function placeOfHash(hash: string): ConsolePlace | undefined {
  const match = /^#\/([a-z]+)(?:\/([^/]+))?$/.exec(hash);
  if (!match) return hash === '' || hash === '#' ? { view: 'dashboard' } : undefined;
  const view = consoleViews.find((v) => v === match[1]);
  if (!view) return { view: 'dashboard' };
  if ((view === 'nodes' || view === 'directory') && match[2]) {
    try {
      const name = decodeURIComponent(match[2]);
      return view === 'nodes' ? { view, node: name } : { view, user: name };
    } catch {
      return { view };
    }
  }
  return { view };
}

export const createViewSlice: StateCreator<UiStore, [], [], ViewState & ViewActions> = (set) => ({
  place: { view: 'dashboard' },
  showPlace: (place) => set({ place }),
});
