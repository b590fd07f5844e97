/**
 * One alias or group: its address and the addresses it reaches, with Change (the addresses in a
 * box, one per line) and Delete (pressed twice: the first press asks).
 */
import { useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import type { DirectoryViewError } from '../../store/shown-error';
import { addressLines } from './directory-format';
import { ErrorInWords } from './error-in-words';

/** What an entry shows and what its buttons do. */
export interface ListEntryProps {
  title: string;
  subtitle?: string;
  lines: string[];
  onSave(lines: string[]): Promise<DirectoryViewError | undefined>;
  onDelete(): Promise<DirectoryViewError | undefined>;
}

/** An alias or group row. */
export function ListEntry({ title, subtitle, lines, onSave, onDelete }: ListEntryProps) {
  const tr = useTranslator();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(lines.join('\n'));
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<DirectoryViewError | undefined>();
  return (
    <li className="dir-list-entry" data-entry={title}>
      <div className="dir-list-entry-head">
        <span className="dir-list-entry-title">{title}</span>
        {subtitle && <span className="dir-list-entry-subtitle">{subtitle}</span>}
        <button type="button" className="dir-button" onClick={() => setEditing(!editing)}>
          {tr.t('dir.list.change')}
        </button>
        <button
          type="button"
          className="dir-button dir-button-danger"
          onClick={async () => {
            if (!asking) return setAsking(true);
            setError(await onDelete());
            setAsking(false);
          }}
        >
          {tr.t('dir.list.delete')}
        </button>
      </div>
      {asking && (
        <p className="dir-hint" role="alert">
          {tr.t('dir.list.deleteAsk', { name: title })}
        </p>
      )}
      {editing ? (
        <form
          className="dir-inline-form"
          onSubmit={async (event) => {
            event.preventDefault();
            const failure = await onSave(addressLines(text));
            setError(failure);
            if (!failure) setEditing(false);
          }}
        >
          <textarea
            aria-label={title}
            rows={Math.min(8, lines.length + 2)}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
          <button type="submit" className="dir-button dir-button-main">
            {tr.t('dir.list.save')}
          </button>
        </form>
      ) : (
        <p className="dir-list-entry-lines">{lines.join(', ')}</p>
      )}
      <ErrorInWords error={error} />
    </li>
  );
}
