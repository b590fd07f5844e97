/** A labelled drop-down of fixed choices, each choice's words from the catalog. */
import type { MessageKey } from '../i18n/messages-en';
import { useTranslator } from '../i18n/use-translator';

interface SelectFieldProps<V extends string> {
  name: string;
  label: MessageKey;
  value: V;
  choices: readonly V[];
  /** The words of a choice. */
  choiceLabel(choice: V): string;
  onChange(value: V): void;
}

/** The field. */
export function SelectField<V extends string>({
  name,
  label,
  value,
  choices,
  choiceLabel,
  onChange,
}: SelectFieldProps<V>) {
  const tr = useTranslator();
  return (
    <label>
      {tr.t(label)}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value as V)}>
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {choiceLabel(choice)}
          </option>
        ))}
      </select>
    </label>
  );
}
