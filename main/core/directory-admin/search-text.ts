/**
 * How search text and indexed text are folded so a clerk finds a user however the name is typed:
 * NFKC (full-width Latin and digits become ASCII, half-width katakana become full-width), lower
 * case, and white space dropped (`佐藤 浩`, `佐藤浩` and `佐藤　浩` are the same name).
 */

const whiteSpace = /\s+/gu;

/** Folds text for substring matching. */
export function foldSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(whiteSpace, '');
}

/** Folds text for sorting: like {@link foldSearchText}, but keeps single spaces between words. */
export function foldSortText(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(whiteSpace, ' ');
}
