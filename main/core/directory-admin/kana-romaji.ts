/**
 * Kana to romaji (Hepburn, as names are written in Japanese passports and university systems), so
 * "Hiroshi Sato" finds the user whose reading is さとう ひろし. Katakana is read as hiragana first.
 * Only what readings of names need: the syllabary, voiced and semi-voiced marks, the contracted
 * sounds (きゃ, しゅ...), the small っ (doubles the next consonant) and ー (repeats the vowel).
 */

const syllables: Record<string, string> = {
  あ: 'a',
  い: 'i',
  う: 'u',
  え: 'e',
  お: 'o',
  か: 'ka',
  き: 'ki',
  く: 'ku',
  け: 'ke',
  こ: 'ko',
  さ: 'sa',
  し: 'shi',
  す: 'su',
  せ: 'se',
  そ: 'so',
  た: 'ta',
  ち: 'chi',
  つ: 'tsu',
  て: 'te',
  と: 'to',
  な: 'na',
  に: 'ni',
  ぬ: 'nu',
  ね: 'ne',
  の: 'no',
  は: 'ha',
  ひ: 'hi',
  ふ: 'fu',
  へ: 'he',
  ほ: 'ho',
  ま: 'ma',
  み: 'mi',
  む: 'mu',
  め: 'me',
  も: 'mo',
  や: 'ya',
  ゆ: 'yu',
  よ: 'yo',
  ら: 'ra',
  り: 'ri',
  る: 'ru',
  れ: 're',
  ろ: 'ro',
  わ: 'wa',
  ゐ: 'i',
  ゑ: 'e',
  を: 'o',
  ん: 'n',
  が: 'ga',
  ぎ: 'gi',
  ぐ: 'gu',
  げ: 'ge',
  ご: 'go',
  ざ: 'za',
  じ: 'ji',
  ず: 'zu',
  ぜ: 'ze',
  ぞ: 'zo',
  だ: 'da',
  ぢ: 'ji',
  づ: 'zu',
  で: 'de',
  ど: 'do',
  ば: 'ba',
  び: 'bi',
  ぶ: 'bu',
  べ: 'be',
  ぼ: 'bo',
  ぱ: 'pa',
  ぴ: 'pi',
  ぷ: 'pu',
  ぺ: 'pe',
  ぽ: 'po',
  ゔ: 'vu',
  ぁ: 'a',
  ぃ: 'i',
  ぅ: 'u',
  ぇ: 'e',
  ぉ: 'o',
};

/** Contracted sounds: a syllable in -i and a small ゃゅょ. */
const contracted: Record<string, string> = { ゃ: 'a', ゅ: 'u', ょ: 'o' };
const contractedStems: Record<string, string> = {
  し: 'sh',
  ち: 'ch',
  じ: 'j',
  ぢ: 'j',
};

/** Katakana as hiragana (ァ..ヶ move down by 0x60); everything else as it is. */
export function hiraganaOf(text: string): string {
  return text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
}

/** The romaji of a reading, word by word, lower case (`さとう ひろし` → `satou hiroshi`). */
export function romajiOf(reading: string): string {
  const kana = [...hiraganaOf(reading.normalize('NFKC'))];
  let out = '';
  let doubleNext = false;
  for (let i = 0; i < kana.length; i++) {
    const c = kana[i] as string;
    const next = kana[i + 1];
    if (c === 'っ') {
      doubleNext = true;
      continue;
    }
    let sound: string | undefined;
    if (next !== undefined && contracted[next] !== undefined && syllables[c]?.endsWith('i')) {
      const stem = contractedStems[c] ?? `${(syllables[c] as string).slice(0, -1)}y`;
      sound = stem + contracted[next];
      i++;
    } else if (c === 'ー') {
      sound = /[aeiou]$/.exec(out)?.[0] ?? '';
    } else {
      sound = syllables[c] ?? c;
    }
    if (doubleNext && /^[bcdfghjkmprstwz]/.test(sound))
      sound = (sound.startsWith('ch') ? 't' : sound[0]) + sound;
    doubleNext = false;
    out += sound;
  }
  return out;
}

/** A romaji spelling without long vowels, as most names are written (`satou` → `sato`, `yuuto` → `yuto`). */
export function shortVowels(romaji: string): string {
  return romaji.replace(/ou|oo/g, 'o').replace(/uu/g, 'u');
}
