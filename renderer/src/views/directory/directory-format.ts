/** Sizes, lines of addresses and states as the directory view writes and reads them. */
import type { Translator } from '../../i18n/translate';

const mebibyte = 1_048_576;

/** Bytes as MB (MiB), or GB from 10 GB up, in the chosen locale. */
export function sizeText(bytes: number, tr: Translator): string {
  if (bytes >= 10 * 1024 * mebibyte) return `${tr.number(bytes / (1024 * mebibyte), 1)} GB`;
  return `${tr.number(bytes / mebibyte, bytes < 10 * mebibyte ? 1 : 0)} MB`;
}

/** A quota in whole MB for the edit field; empty for the domain default. */
export function quotaField(bytes: number | null): string {
  return bytes === null ? '' : String(Math.round(bytes / mebibyte));
}

/** The edit field's text as a quota in bytes; null for empty (the domain default); NaN if not a number. */
export function quotaOfField(text: string): number | null {
  const trimmed = text.trim().replace(/[,，]/g, '');
  if (trimmed === '') return null;
  // Full-width digits typed with a Japanese input method count as digits.
  const ascii = trimmed.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  return /^\d+$/.test(ascii) ? Number(ascii) * mebibyte : Number.NaN;
}

/** Addresses typed one per line (or separated by commas or spaces), empty ones dropped. */
export function addressLines(text: string): string[] {
  return text
    .split(/[\s,、，]+/)
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line.length > 0);
}
