/** The users tab's left side: search text, domain and store filters, the count, and the list. */
import { useShallow } from 'zustand/react/shallow';
import type { UserSortKey } from '../../../../main/console/console-contract';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import { ErrorInWords } from './error-in-words';
import { PickBar } from './pick-bar';
import { UserList } from './user-list';

/** The longest search the directory answers (its contract's bound: userSearchMaxCharacters). */
const searchMaxCharacters = 200;

/** The list's orders (the contract's sort keys). */
const userSortChoices: readonly UserSortKey[] = ['mail', 'displayName', 'reading', 'logicalStore'];

/** Search and filters; every keystroke searches the whole index at once. */
export function UserSearch() {
  const tr = useTranslator();
  const { query, total, indexed, overview, searchError } = useDirectoryStore(
    useShallow((s) => ({
      query: s.query,
      total: s.total,
      indexed: s.indexed,
      overview: s.overview,
      searchError: s.searchError,
    })),
  );
  const search = directoryServices();
  return (
    <section className="dir-search" aria-labelledby="dir-search-label">
      <label className="dir-field dir-search-text">
        <span id="dir-search-label">{tr.t('dir.search.label')}</span>
        <input
          type="search"
          name="search"
          value={query.text}
          // The index answers at most this much; a longer paste is cut here, and said below.
          maxLength={searchMaxCharacters}
          aria-describedby="dir-search-hint"
          onChange={(e) => void search?.search({ text: e.target.value.slice(0, searchMaxCharacters) })}
        />
        <small id="dir-search-hint">{tr.t('dir.search.hint')}</small>
        {query.text.length >= searchMaxCharacters && (
          <small className="dir-search-limit" role="status" data-testid="dir-search-limit">
            {tr.t('dir.search.limit', { n: searchMaxCharacters })}
          </small>
        )}
      </label>
      <div className="dir-filters">
        <FilterSelect
          name="domain"
          label={tr.t('dir.filter.domain')}
          value={query.domain}
          choices={overview?.domains.map((d) => d.name) ?? []}
          onChange={(domain) => void search?.search({ domain })}
        />
        <FilterSelect
          name="logicalStore"
          label={tr.t('dir.filter.store')}
          value={query.logicalStore}
          choices={overview?.logicalStores ?? []}
          onChange={(logicalStore) => void search?.search({ logicalStore })}
        />
        <label className="dir-field">
          <span>{tr.t('dir.sort.label')}</span>
          <select
            name="sort"
            value={query.sort ?? 'mail'}
            onChange={(e) => void search?.search({ sort: e.target.value as UserSortKey })}
          >
            {userSortChoices.map((key) => (
              <option key={key} value={key}>
                {tr.t(`dir.sort.${key}`)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="dir-count-line">
        <p className="dir-count" role="status" data-testid="dir-count">
          {total === undefined
            ? tr.t('dir.loading')
            : total === 0
              ? tr.t('dir.none')
              : tr.t('dir.count', { shown: tr.number(total), total: indexed ?? total })}
        </p>
        <button
          type="button"
          className="dir-button"
          onClick={() => useDirectoryStore.getState().openAddForm()}
        >
          {tr.t('dir.add')}
        </button>
      </div>
      <ErrorInWords error={searchError} />
      <PickBar />
      <p className="hint pick-hint">{tr.t('pick.hint')}</p>
      {total !== undefined && total > 0 && <UserList />}
    </section>
  );
}

/** A filter: one of `choices`, or all (undefined). */
function FilterSelect({
  name,
  label,
  value,
  choices,
  onChange,
}: {
  name: string;
  label: string;
  value: string | undefined;
  choices: string[];
  onChange(value: string | undefined): void;
}) {
  const tr = useTranslator();
  return (
    <label className="dir-field">
      <span>{label}</span>
      <select name={name} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
        <option value="">{tr.t('dir.filter.all')}</option>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    </label>
  );
}
