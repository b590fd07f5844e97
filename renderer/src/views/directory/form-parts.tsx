/** The pieces every directory form is made of: the form box with its title, and labelled fields. */
import { type ReactNode, useState } from 'react';
import { useTranslator } from '../../i18n/use-translator';
import type { DirectoryViewError } from '../../store/shown-error';
import { fieldError } from './error-in-words';

/** A form with a heading; submitting runs `onSubmit` instead of leaving the page. */
export function DirForm({
  id,
  title,
  className,
  onSubmit,
  children,
}: {
  id: string;
  title: ReactNode;
  className?: string;
  onSubmit(): void;
  children: ReactNode;
}) {
  return (
    <form
      className={className ? `dir-form ${className}` : 'dir-form'}
      aria-labelledby={id}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {title}
      {children}
    </form>
  );
}

/** A labelled text field, marked when the directory refused it. */
export function TextField({
  name,
  label,
  value,
  onChange,
  error,
  field,
  hint,
  type = 'text',
  lines,
}: {
  name: string;
  label: string;
  value: string;
  onChange(value: string): void;
  error?: DirectoryViewError | undefined;
  /** The input's name in the directory's terms, when it differs from `name`. */
  field?: string;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'numeric';
  lines?: number;
}) {
  const className = fieldError(error, field ?? name) ? 'dir-field dir-field-bad' : 'dir-field';
  const small = hint ? <small>{hint}</small> : null;
  if (lines) {
    return (
      <label className={className}>
        <span>{label}</span>
        <textarea name={name} rows={lines} value={value} onChange={(e) => onChange(e.target.value)} />
        {small}
      </label>
    );
  }
  return (
    <label className={className}>
      <span>{label}</span>
      <input
        name={name}
        type={type === 'numeric' ? 'text' : type}
        inputMode={type === 'numeric' ? 'numeric' : undefined}
        // A password field is for a new password: the browser must not fill in a saved one.
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        spellCheck={false}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
      {small}
    </label>
  );
}

/** A text field bound to a form's state (`useDirForm().field(name)`). */
export interface BoundField {
  name: string;
  value: string;
  onChange(value: string): void;
  error: DirectoryViewError | undefined;
}

/**
 * A directory form's state: its text fields, the directory's refusal of the last call, and whether
 * a call is under way. `field(name)` gives the props that bind an input to one field.
 */
export function useDirForm<K extends string>(initial: Record<K, string>) {
  const [values, setValues] = useState(initial);
  const [error, setError] = useState<DirectoryViewError | undefined>();
  const [busy, setBusy] = useState(false);
  const set = (name: K, value: string) => setValues((current) => ({ ...current, [name]: value }));
  return {
    values,
    set,
    error,
    setError,
    busy,
    field: (name: K): BoundField => ({
      name,
      value: values[name],
      onChange: (value) => set(name, value),
      error,
    }),
    /** Runs one directory call; its refusal (or none) is what the form shows next, and returned. */
    async send(
      call: () => Promise<DirectoryViewError | undefined> | undefined,
    ): Promise<DirectoryViewError | undefined> {
      setBusy(true);
      const refused = await call();
      setError(refused);
      setBusy(false);
      return refused;
    },
  };
}

/** The mailbox limit in MB; empty means `emptyMeans` (the domain default, or none yet). */
export function QuotaField({ emptyMeans, ...bound }: BoundField & { emptyMeans: string }) {
  const tr = useTranslator();
  return (
    <TextField
      {...bound}
      field="quotaBytes"
      type="numeric"
      label={tr.t('dir.edit.quota')}
      hint={tr.t('dir.edit.quotaHint', { default: emptyMeans })}
    />
  );
}

/** A labelled drop-down of a directory form, marked when the directory refused it. */
export function ChoiceField<V extends string>({
  name,
  label,
  value,
  choices,
  onChange,
  error,
}: {
  name: string;
  label: string;
  value: V;
  /** Each choice's value and words. */
  choices: ReadonlyArray<{ value: V; words: string }>;
  onChange(value: V): void;
  error?: DirectoryViewError | undefined;
}) {
  return (
    <label className={fieldError(error, name) ? 'dir-field dir-field-bad' : 'dir-field'}>
      <span>{label}</span>
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.words}
          </option>
        ))}
      </select>
    </label>
  );
}
