/** The console window: header with the language switch, banners, and the current view. */
import { useEffect } from 'react';
import { LocaleSwitch } from './components/locale-switch';
import { StatusBanners } from './components/status-banners';
import { useTranslator } from './i18n/use-translator';
import { DashboardView } from './views/dashboard/dashboard-view';

/** The whole page. */
export function App() {
  const tr = useTranslator();
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
          <span className="app-nav-current" aria-current="page">
            {tr.t('nav.dashboard')}
          </span>
        </nav>
        <LocaleSwitch />
      </header>
      <StatusBanners />
      <main id="main" className="app-main" tabIndex={-1}>
        <DashboardView />
      </main>
    </div>
  );
}
