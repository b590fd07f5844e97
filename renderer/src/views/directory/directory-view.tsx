/**
 * The directory view: the mail domains on top; a users tab (instant search over the whole index,
 * a virtualised list, the chosen user's page with edit, password reset and delete, and adding); and
 * an aliases-and-groups tab per domain. Every change goes through main's DirectoryAdmin.
 */
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import './directory.css';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { useUiStore } from '../../store/ui/ui-store';
import { writeUsersDrag } from '../moves/move-drag';
import { StoresList } from '../moves/stores-list';
import { ErrorInWords } from './error-in-words';
import { MailListsPanel } from './mail-lists-panel';
import { UserPagePanel } from './user-page';
import { UserSearch } from './user-search';

type Tab = 'users' | 'lists';

/** The whole view. */
export function DirectoryView() {
  const tr = useTranslator();
  const [tab, setTab] = useState<Tab>('users');
  const { overview, overviewError, query } = useDirectoryStore(
    useShallow((s) => ({ overview: s.overview, overviewError: s.overviewError, query: s.query })),
  );
  useEffect(() => {
    const services = directoryServices();
    void services?.loadOverview();
    void services?.search({});
  }, []);
  // The address names the open user (#/directory/<address>): a link, back or forward opens it.
  const user = useUiStore((s) => s.place.user);
  useEffect(() => {
    if (user && useDirectoryStore.getState().openAddress !== user) void directoryServices()?.openUser(user);
  }, [user]);
  return (
    <section className="directory" aria-labelledby="directory-title">
      <h2 id="directory-title">{tr.t('dir.title')}</h2>
      <ErrorInWords error={overviewError} />
      {overview && (
        <section className="dir-domains" aria-labelledby="dir-domains-title">
          <h3 id="dir-domains-title">{tr.t('dir.domains')}</h3>
          <ul className="dir-domain-list">
            {overview.domains.map((domain) => (
              <li key={domain.name}>
                <button
                  type="button"
                  className="dir-domain"
                  aria-pressed={query.domain === domain.name}
                  // A domain dragged onto a store moves every user of it.
                  draggable={domain.users > 0}
                  title={tr.t('dir.domainDrag', { domain: domain.name })}
                  onDragStart={(event) =>
                    writeUsersDrag(event.dataTransfer, {
                      kind: 'query',
                      query: { text: '', domain: domain.name, logicalStore: undefined },
                      total: domain.users,
                    })
                  }
                  onClick={() => {
                    const services = directoryServices();
                    void services?.search({ domain: query.domain === domain.name ? undefined : domain.name });
                    void services?.showLists(domain.name);
                  }}
                >
                  <span className="dir-domain-name">{domain.name}</span>
                  {domain.description && <span className="dir-domain-description">{domain.description}</span>}
                  <span className="dir-domain-users">{tr.t('dir.domainUsers', { n: domain.users })}</span>
                  {domain.quotaBudgetBytes !== null && (
                    <span
                      className={
                        domain.quotaGivenBytes > domain.quotaBudgetBytes
                          ? 'dir-domain-budget dir-domain-over-budget'
                          : 'dir-domain-budget'
                      }
                      data-testid="domain-budget"
                    >
                      {tr.t(
                        domain.quotaGivenBytes > domain.quotaBudgetBytes
                          ? 'dir.domainOverBudget'
                          : 'dir.domainBudget',
                        {
                          given: tr.bytes(domain.quotaGivenBytes),
                          budget: tr.bytes(domain.quotaBudgetBytes),
                        },
                      )}
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="dir-tabs" role="tablist" aria-label={tr.t('dir.title')}>
        {(['users', 'lists'] as const).map((name) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`dir-tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`dir-panel-${name}`}
            className="dir-tab"
            onClick={() => setTab(name)}
          >
            {tr.t(name === 'users' ? 'dir.tab.users' : 'dir.tab.lists')}
          </button>
        ))}
      </div>
      {tab === 'users' ? (
        <div id="dir-panel-users" role="tabpanel" aria-labelledby="dir-tab-users" className="dir-users">
          <UserSearch />
          <UserPagePanel />
          <StoresList />
        </div>
      ) : (
        <div id="dir-panel-lists" role="tabpanel" aria-labelledby="dir-tab-lists">
          <MailListsPanel />
        </div>
      )}
    </section>
  );
}
