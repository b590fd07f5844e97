/**
 * How search text and indexed text are folded so a clerk finds a user however the name is typed:
 * NFKC (full-width Latin and digits become ASCII, half-width katakana become full-width), lower
 * case, katakana read as hiragana (サトウ and さとう are the same reading), and white space dropped
 * (`佐藤 浩`, `佐藤浩` and `佐藤　浩` are the same name).
 */
import { hiraganaOf, romajiOf, shortVowels } from './kana-romaji.js';

const whiteSpace = /\s+/gu;
// The index separates fields and users with control characters, so a search must not contain any.
const controls = /[\p{Cc}\p{Cf}]/gu;

/** Folds text for substring matching (white space and control characters dropped). */
export function foldSearchText(text: string): string {
  return hiraganaOf(text.normalize('NFKC').toLowerCase()).replace(whiteSpace, '').replace(controls, '');
}

/** Folds text for sorting: like {@link foldSearchText}, but keeps single spaces between words. */
export function foldSortText(text: string): string {
  return hiraganaOf(text.normalize('NFKC').toLowerCase()).trim().replace(whiteSpace, ' ');
}

/**
 * The texts a reading is found by: the kana (katakana as hiragana), and its romaji with and
 * without long vowels, in the reading's order (family name first) and with its first two words
 * swapped, as a Latin name is often written given name first ("Hiroshi Sato").
 */
export function readingSearchTexts(reading: string): string[] {
  const words = foldSortText(reading).split(' ');
  const orders = words.length >= 2 ? [words, [words[1], words[0], ...words.slice(2)]] : [words];
  const texts = new Set<string>([words.join('')]);
  for (const order of orders) {
    const romaji = order.map((word) => romajiOf(word ?? '')).join('');
    texts.add(romaji);
    texts.add(shortVowels(romaji));
  }
  return [...texts].map(foldSearchText);
}
