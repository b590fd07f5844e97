/**
 * Moving between views: the ui store holds the place, the address fragment mirrors it, so the
 * back button, a reload and a link (`#/nodes/store03`) all work without a router library.
 */

import type { useUiStore } from '../store/ui/ui-store';
import { type ConsolePlace, hashOfPlace, placeOfHash } from '../store/ui/view-slice';

type UiStoreApi = Pick<typeof useUiStore, 'getState'>;

/** Follows the address fragment into the store; returns a function that stops following. */
export function startNavigation(store: UiStoreApi): () => void {
  const follow = () => {
    const place = placeOfHash(window.location.hash);
    if (place) store.getState().showPlace(place);
  };
  follow();
  window.addEventListener('hashchange', follow);
  return () => window.removeEventListener('hashchange', follow);
}

/** Goes to a place (the hashchange listener puts it in the store). */
export function goTo(place: ConsolePlace): void {
  const hash = hashOfPlace(place);
  if (window.location.hash === hash) return;
  window.location.hash = hash;
}
