/** The console window: header with the navigation and the language switch, banners, the current view. */
import { useEffect, useRef } from 'react';
import { AppNav } from './components/app-nav';
import { DirectoryInUse } from './components/directory-in-use';
import { LocaleSwitch } from './components/locale-switch';
import { SessionBadge } from './components/session-badge';
import { StatusBanners } from './components/status-banners';
import { useTranslator } from './i18n/use-translator';
import { goTo } from './services/navigation-service';
import { useFleetStore } from './store/fleet/fleet-store';
import { useSessionStore, viewsOf } from './store/session/session-store';
import { useUiStore } from './store/ui/ui-store';
import type { ConsoleView } from './store/ui/view-slice';
import { AuditView } from './views/audit/audit-view';
import { DashboardView } from './views/dashboard/dashboard-view';
import { DirectoryView } from './views/directory/directory-view';
import { FailoverDialog } from './views/failover/failover-dialog';
import { LockoutsView } from './views/lockouts/lockouts-view';
import { MoveDialog } from './views/moves/move-dialog';
import { MovesView } from './views/moves/moves-view';
import { NodeView } from './views/nodes/node-view';
import { QueuesView } from './views/queues/queues-view';
import { SpamView } from './views/spam/spam-view';
import { MailTraceView } from './views/trace/mail-trace-view';

const views: Record<ConsoleView, () => React.JSX.Element> = {
  dashboard: DashboardView,
  nodes: NodeView,
  queues: QueuesView,
  trace: MailTraceView,
  spam: SpamView,
  audit: AuditView,
  directory: DirectoryView,
  moves: MovesView,
  lockouts: LockoutsView,
};

/** The whole page. */
export function App() {
  const tr = useTranslator();
  const view = useUiStore((s) => s.place.view);
  const node = useUiStore((s) => s.place.node);
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  // After a move to another view, focus goes to its content so a keyboard or screen-reader user
  // starts there (not on the first load: the skip link comes first then).
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on each change of place
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
  }, [view, node]);
  const allowed = useSessionStore((s) => viewsOf(s.session));
  const View = views[view];
  // A place the tier may not see (a typed or old address) shows nothing of that view; the first
  // place of a tier without the dashboard is its first view.
  const shown = allowed.includes(view);
  useEffect(() => {
    if (!shown && view === 'dashboard' && allowed[0]) goTo({ view: allowed[0] });
  }, [shown, view, allowed]);
  const directoryLink = useFleetStore((s) => s.snapshot?.directory.link);
  useEffect(() => {
    document.documentElement.lang = tr.locale;
    document.title = tr.t('app.title');
  }, [tr]);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {tr.t('app.skipToContent')}
      </a>
      <header className="app-header">
        {/* The directory in use sits under the title, not in the row: beside the navigation it
            pushed the last Japanese entry onto a second line at 1280 px. */}
        <div className="app-brand">
          <h1 className="app-title">{tr.t('app.title')}</h1>
          <DirectoryInUse link={directoryLink} className="app-directory" />
        </div>
        <AppNav />
        <LocaleSwitch />
        <SessionBadge />
      </header>
      <StatusBanners />
      <main id="main" className="app-main" tabIndex={-1} ref={main} data-view={view}>
        {shown ? (
          <View />
        ) : (
          <p className="view-hidden" data-hidden-view={view}>
            {tr.t('session.viewHidden')}
          </p>
        )}
      </main>
      <MoveDialog />
      <FailoverDialog />
    </div>
  );
}
