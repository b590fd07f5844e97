/**
 * Makes an element take drops of users (from the Directory view's list, its picked users, a
 * domain, or addresses as text from elsewhere): the handlers to spread on it, and whether a drag
 * is over it now (for the highlight).
 */
import { type DragEvent, useState } from 'react';
import type { UserSelection } from '../../store/directory/selection-slice';
import { mayCarryUsers, readUsersDrop } from './move-drag';

/** What a drop target spreads on its element. */
export interface UsersDropHandlers {
  onDragEnter(event: DragEvent): void;
  onDragOver(event: DragEvent): void;
  onDragLeave(event: DragEvent): void;
  onDrop(event: DragEvent): void;
}

/** Drop handling for one target; `onUsers` gets what was dropped. */
export function useUsersDrop(onUsers: (selection: UserSelection) => void): {
  over: boolean;
  handlers: UsersDropHandlers;
} {
  const [over, setOver] = useState(false);
  const accept = (event: DragEvent): boolean => {
    if (!mayCarryUsers([...event.dataTransfer.types])) return false;
    // Taking the event tells the browser this element accepts the drop.
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    return true;
  };
  return {
    over,
    handlers: {
      onDragEnter: (event) => {
        if (accept(event)) setOver(true);
      },
      onDragOver: (event) => {
        accept(event);
      },
      onDragLeave: (event) => {
        // Leaving for one of its own children is not leaving.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      },
      onDrop: (event) => {
        setOver(false);
        const selection = readUsersDrop(event.dataTransfer);
        if (!selection) return;
        event.preventDefault();
        onUsers(selection);
      },
    },
  };
}
