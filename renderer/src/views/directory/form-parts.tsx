/** The pieces every directory form is made of: the form box with its title, and labelled fields. */
import type { ReactNode } from 'react';
import type { ShownError } from '../../store/directory/shown-error';
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
  error?: ShownError | undefined;
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

/** The mailbox limit in MB; empty means the domain default (the hint names it). */
export function QuotaField({
  value,
  onChange,
  error,
  label,
  hint,
}: {
  value: string;
  onChange(value: string): void;
  error: ShownError | undefined;
  label: string;
  hint: string;
}) {
  return (
    <TextField
      name="quota"
      field="quotaBytes"
      type="numeric"
      label={label}
      hint={hint}
      value={value}
      onChange={onChange}
      error={error}
    />
  );
}
