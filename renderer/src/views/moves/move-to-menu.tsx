/**
 * "Move to…": a menu button listing every mail store, the keyboard's way to do what dragging does
 * (ARIA menu button: Enter, Space or ArrowDown opens it on the first store; arrows, Home and End
 * move; Enter picks; Escape closes it and returns to the button).
 */
import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import { moveServices } from '../../services/console-services';
import type { UserSelection } from '../../store/directory/selection-slice';
import { useMovesStore } from '../../store/moves/moves-store';

/** The button and its menu; disabled while nothing is picked. */
export function MoveToMenu({ picked }: { picked: UserSelection | undefined }) {
  const tr = useTranslator();
  const stores = useMovesStore((s) => s.stores) ?? [];
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<Array<HTMLButtonElement | null>>([]);
  const [focus, setFocus] = useState(0);
  useEffect(() => {
    if (open) items.current[focus]?.focus();
  }, [open, focus]);
  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) button.current?.focus();
  };
  const onMenuKey = (event: KeyboardEvent) => {
    const last = stores.length - 1;
    let next: number | undefined;
    if (event.key === 'ArrowDown') next = focus >= last ? 0 : focus + 1;
    else if (event.key === 'ArrowUp') next = focus <= 0 ? last : focus - 1;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = last;
    if (next !== undefined) {
      event.preventDefault();
      setFocus(next);
    } else if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      close(event.key === 'Escape');
    }
  };
  return (
    <div className="move-to">
      <button
        ref={button}
        type="button"
        className="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="move-to-menu"
        aria-label={tr.t('moveTo.label')}
        disabled={!picked || stores.length === 0}
        onClick={() => {
          setFocus(0);
          setOpen(!open);
        }}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !open) {
            event.preventDefault();
            setFocus(0);
            setOpen(true);
          }
        }}
      >
        {tr.t('moveTo.button')}
      </button>
      {open && picked && (
        <div
          id="move-to-menu"
          role="menu"
          aria-label={tr.t('moveTo.label')}
          className="move-to-menu"
          onKeyDown={onMenuKey}
        >
          {stores.map((store, index) => (
            <button
              key={store.store}
              ref={(element) => {
                items.current[index] = element;
              }}
              type="button"
              role="menuitem"
              tabIndex={index === focus ? 0 : -1}
              data-store={store.store}
              onClick={() => {
                close(true);
                void moveServices()?.moveTo(store.store, picked);
              }}
            >
              {tr.t('moveTo.item', { store: store.store, node: store.node })}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
