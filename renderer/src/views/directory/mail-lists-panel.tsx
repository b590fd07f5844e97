/** A domain's aliases and groups: each listed with change and delete, and a form to add one. */
import { useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useTranslator } from '../../i18n/use-translator';
import { directoryServices } from '../../services/console-services';
import { useDirectoryStore } from '../../store/directory/directory-store';
import type { DirectoryViewError } from '../../store/shown-error';
import { addressLines } from './directory-format';
import { ErrorInWords } from './error-in-words';
import { DirForm, TextField } from './form-parts';
import { ListEntry } from './list-entry';

/** The aliases-and-groups tab. */
export function MailListsPanel() {
  const tr = useTranslator();
  const { overview, listDomain, aliases, groups, listsError } = useDirectoryStore(
    useShallow((s) => ({
      overview: s.overview,
      listDomain: s.listDomain,
      aliases: s.aliases,
      groups: s.groups,
      listsError: s.listsError,
    })),
  );
  const services = directoryServices();
  return (
    <div className="dir-lists">
      <label className="dir-field">
        <span>{tr.t('dir.lists.domain')}</span>
        <select
          name="listDomain"
          value={listDomain ?? ''}
          onChange={(e) => e.target.value && void services?.showLists(e.target.value)}
        >
          <option value="">{tr.t('dir.lists.pickDomain')}</option>
          {overview?.domains.map((d) => (
            <option key={d.name} value={d.name}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <ErrorInWords error={listsError} />
      {listDomain && aliases && groups && services && (
        <>
          <section aria-labelledby="dir-aliases-title">
            <h3 id="dir-aliases-title">{tr.t('dir.aliases.title')}</h3>
            {aliases.length === 0 && <p className="dir-hint">{tr.t('dir.aliases.none')}</p>}
            <ul className="dir-entries">
              {aliases.map((alias) => (
                <ListEntry
                  key={`${alias.address}:${alias.forwardTo.join(',')}`}
                  title={alias.address}
                  lines={alias.forwardTo}
                  onSave={(lines) => services.writeAlias(alias.address, lines, true)}
                  onDelete={() => services.deleteAlias(alias.address)}
                />
              ))}
            </ul>
            <AddForm
              fields={[
                { name: 'address', label: tr.t('dir.aliases.address') },
                { name: 'targets', label: tr.t('dir.aliases.targets'), lines: true },
              ]}
              title={tr.t('dir.aliases.new')}
              submitLabel={tr.t('dir.aliases.add')}
              onSubmit={(v) => services.writeAlias(v.address ?? '', addressLines(v.targets ?? ''), false)}
            />
          </section>
          <section aria-labelledby="dir-groups-title">
            <h3 id="dir-groups-title">{tr.t('dir.groups.title')}</h3>
            {groups.length === 0 && <p className="dir-hint">{tr.t('dir.groups.none')}</p>}
            <ul className="dir-entries">
              {groups.map((group) => {
                const members = group.members.map((m) => m.address ?? m.dn);
                return (
                  <ListEntry
                    key={`${group.name}:${members.join(',')}`}
                    title={group.address}
                    subtitle={`${group.name} · ${tr.t('dir.groups.memberCount', { n: members.length })}`}
                    lines={members}
                    onSave={(lines) => services.setGroupMembers(group.domain, group.name, lines)}
                    onDelete={() => services.deleteGroup(group.domain, group.name)}
                  />
                );
              })}
            </ul>
            <AddForm
              fields={[
                { name: 'name', label: tr.t('dir.groups.name') },
                { name: 'address', label: tr.t('dir.groups.address') },
                { name: 'members', label: tr.t('dir.groups.members'), lines: true },
              ]}
              title={tr.t('dir.groups.new')}
              submitLabel={tr.t('dir.groups.add')}
              onSubmit={(v) =>
                services.addGroup(listDomain, v.name ?? '', v.address ?? '', addressLines(v.members ?? ''))
              }
            />
          </section>
        </>
      )}
    </div>
  );
}

/** A small add form of named text fields. */
function AddForm({
  title,
  fields,
  submitLabel,
  onSubmit,
}: {
  title: string;
  fields: Array<{ name: string; label: string; lines?: boolean }>;
  submitLabel: string;
  onSubmit(values: Record<string, string>): Promise<DirectoryViewError | undefined>;
}) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [error, setError] = useState<DirectoryViewError | undefined>();
  const id = useId();
  return (
    <DirForm
      id={id}
      className="dir-add-form"
      title={<h4 id={id}>{title}</h4>}
      onSubmit={async () => {
        const failure = await onSubmit(values);
        setError(failure);
        if (!failure) setValues({});
      }}
    >
      {fields.map((field) => (
        <TextField
          key={field.name}
          name={field.name}
          label={field.label}
          lines={field.lines ? 3 : undefined}
          value={values[field.name] ?? ''}
          onChange={(value) => setValues({ ...values, [field.name]: value })}
          error={error}
          field={field.name === 'targets' ? 'forwardTo' : field.name}
        />
      ))}
      <ErrorInWords error={error} />
      <button type="submit" className="dir-button dir-button-main">
        {submitLabel}
      </button>
    </DirForm>
  );
}
