/**
 * The console's navigation: one link per view, the current one marked (`aria-current`), in the
 * chosen language. Plain links to `#/view`, so the keyboard, the back button and a reload work.
 */
import { useRef } from 'react';
import type { MessageKey } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';
import { goTo } from '../services/navigation-service';
import { useSessionStore, viewsOf } from '../store/session/session-store';
import { useUiStore } from '../store/ui/ui-store';
import { type ConsoleView, hashOfPlace } from '../store/ui/view-slice';
import { mayCarryUsers } from '../views/moves/move-drag';

/**
 * Users dragged from the Directory view and held over a link for this long open its view, so they
 * can be dropped on the dashboard's store tiles (as a file manager opens a folder held over).
 */
const springLoadMs = 700;

/** One entry of the navigation. */
export interface NavEntry {
  view: ConsoleView;
  label: MessageKey;
  /** What the word means, on hover (jargon a clerk may not know). */
  hint?: MessageKey;
}

/** The entries, in the order mail administrators work: overview, a node, queues, spam, audit. */
export const navEntries: readonly NavEntry[] = [
  { view: 'dashboard', label: 'nav.dashboard' },
  { view: 'nodes', label: 'nav.nodes', hint: 'term.node' },
  { view: 'queues', label: 'nav.queues' },
  { view: 'trace', label: 'nav.trace' },
  { view: 'spam', label: 'nav.spam' },
  { view: 'audit', label: 'nav.audit' },
  { view: 'directory', label: 'nav.directory', hint: 'term.directory' },
  { view: 'moves', label: 'nav.moves' },
  { view: 'lockouts', label: 'nav.lockouts' },
];

/** The navigation bar in the header. */
export function AppNav() {
  const tr = useTranslator();
  const current = useUiStore((s) => s.place.view);
  // Views the signed-in tier may not see are left out, not greyed out.
  const allowed = useSessionStore((s) => viewsOf(s.session));
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const stop = () => clearTimeout(timer.current);
  return (
    <nav aria-label={tr.t('nav.label')} className="app-nav">
      <ul className="app-nav-list">
        {navEntries
          .filter((entry) => allowed.includes(entry.view))
          .map((entry) => (
            <li key={entry.view}>
              <a
                className={entry.view === current ? 'app-nav-link app-nav-current' : 'app-nav-link'}
                href={hashOfPlace({ view: entry.view })}
                aria-current={entry.view === current ? 'page' : undefined}
                data-view={entry.view}
                title={entry.hint ? tr.t(entry.hint) : undefined}
                onDragEnter={(event) => {
                  if (!mayCarryUsers([...event.dataTransfer.types]) || entry.view === current) return;
                  stop();
                  timer.current = setTimeout(() => goTo({ view: entry.view }), springLoadMs);
                }}
                onDragLeave={stop}
                onDrop={stop}
              >
                {tr.t(entry.label)}
              </a>
            </li>
          ))}
      </ul>
    </nav>
  );
}
