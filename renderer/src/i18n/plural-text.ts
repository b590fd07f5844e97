/**
 * A catalog text with plural forms, for languages that have them (English): the form is chosen by
 * Intl.PluralRules from the count placeholder's value, `other` when it has no form of its own.
 */
export interface PluralText {
  /** The placeholder holding the count (default `n`). */
  readonly count?: string;
  readonly zero?: string;
  readonly one?: string;
  readonly two?: string;
  readonly few?: string;
  readonly many?: string;
  readonly other: string;
}

/** Marks an entry of the English catalog as plural (keeps its literal type for the key list). */
export function plural<const T extends PluralText>(forms: T): T {
  return forms;
}

/** Every text of an entry: the string itself, or each of its plural forms. */
export function textForms(text: string | PluralText): string[] {
  if (typeof text === 'string') return [text];
  const { count: _count, ...forms } = text;
  return Object.values(forms).filter((form): form is string => typeof form === 'string');
}
