/** The console window: header with the language switch, banners, and the current view. */
import { useEffect, useState } from 'react';
import { LocaleSwitch } from './components/locale-switch';
import { StatusBanners } from './components/status-banners';
import { useTranslator } from './i18n/use-translator';
import { DashboardView } from './views/dashboard/dashboard-view';
import { DirectoryView } from './views/directory/directory-view';

/** The whole page. */
export function App() {
  const tr = useTranslator();
  // Until the shared navigation lands: two views, switched here.
  const [view, setView] = useState<'dashboard' | 'directory'>('dashboard');
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
        <h1 className="app-title">{tr.t('app.title')}</h1>
        <nav aria-label={tr.t('nav.dashboard')} className="app-nav">
          {(['dashboard', 'directory'] as const).map((name) => (
            <button
              key={name}
              type="button"
              className={view === name ? 'app-nav-link app-nav-current' : 'app-nav-link'}
              aria-current={view === name ? 'page' : undefined}
              onClick={() => setView(name)}
            >
              {tr.t(name === 'dashboard' ? 'nav.dashboard' : 'nav.directory')}
            </button>
          ))}
        </nav>
        <LocaleSwitch />
      </header>
      <StatusBanners />
      <main id="main" className="app-main" tabIndex={-1}>
        {view === 'dashboard' ? <DashboardView /> : <DirectoryView />}
      </main>
    </div>
  );
}
