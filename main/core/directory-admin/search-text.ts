/**
 * How search text and indexed text are folded so a clerk finds a user however the name is typed:
 * NFKC (full-width Latin and digits become ASCII, half-width katakana become full-width), lower
 * case, and white space dropped (`佐藤 浩`, `佐藤浩` and `佐藤　浩` are the same name).
 */

const whiteSpace = /\s+/gu;
// The index separates fields and users with control characters, so a search must not contain any.
const controls = /[\p{Cc}\p{Cf}]/gu;

/** Folds text for substring matching (white space and control characters dropped). */
export function foldSearchText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(whiteSpace, '').replace(controls, '');
}

/** Folds text for sorting: like {@link foldSearchText}, but keeps single spaces between words. */
export function foldSortText(text: string): string {
  return text.normalize('NFKC').toLowerCase().trim().replace(whiteSpace, ' ');
}
