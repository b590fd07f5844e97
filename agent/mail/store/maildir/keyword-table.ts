/**
 * IMAP flags <-> Maildir flag letters. System flags have fixed upper-case letters; keywords get the
 * letters a..z through the folder's `dovecot-keywords` file (`<index> <keyword>` lines, index 0 = a),
 * the format Dovecot reads and writes.
 */

/** IMAP system flag -> Maildir letter. `P` (passed) has no IMAP flag and is kept as it is. */
export const systemFlagLetters: Readonly<Record<string, string>> = {
  '\\Draft': 'D',
  '\\Flagged': 'F',
  '\\Answered': 'R',
  '\\Seen': 'S',
  '\\Deleted': 'T',
};

const letterToSystemFlag = new Map(Object.entries(systemFlagLetters).map(([flag, letter]) => [letter, flag]));

/** Most keywords a Maildir folder can hold: one per lower-case letter. */
export const maxKeywords = 26;

/** True if `flag` is a valid IMAP keyword: an atom (RFC 3501 flag-keyword), at most 100 characters. */
export function isValidKeyword(flag: string): boolean {
  return /^[\x21-\x7e]{1,100}$/.test(flag) && !/[(){%*"\\\]]/.test(flag);
}

/** The keywords of one folder, by index (a = 0). */
export class KeywordTable {
  private readonly names: (string | undefined)[];

  constructor(names: readonly (string | undefined)[] = []) {
    this.names = [...names].slice(0, maxKeywords);
  }

  /** Parses a `dovecot-keywords` file; lines that do not parse are skipped. */
  static parse(text: string): KeywordTable {
    const names: (string | undefined)[] = [];
    for (const line of text.split('\n')) {
      const match = /^(\d{1,2}) (.+)$/.exec(line);
      if (!match) continue;
      const index = Number(match[1]);
      const name = match[2]!;
      if (index < maxKeywords && isValidKeyword(name)) names[index] = name;
    }
    return new KeywordTable(names);
  }

  /** The file content. */
  format(): string {
    return this.names.map((name, index) => (name ? `${index} ${name}\n` : '')).join('');
  }

  /** The keyword of a letter a..z, if defined. */
  keywordOf(letter: string): string | undefined {
    return this.names[letter.charCodeAt(0) - 0x61];
  }

  /** The letter of a keyword (matched case-insensitively, as IMAP does), if it has one. */
  letterOf(keyword: string): string | undefined {
    const lower = keyword.toLowerCase();
    const index = this.names.findIndex((name) => name?.toLowerCase() === lower);
    return index < 0 ? undefined : String.fromCharCode(0x61 + index);
  }

  /** Gives a keyword a letter; undefined when all 26 are taken. Returns whether the table changed. */
  assign(keyword: string): { letter: string | undefined; added: boolean } {
    const existing = this.letterOf(keyword);
    if (existing) return { letter: existing, added: false };
    for (let index = 0; index < maxKeywords; index++) {
      if (this.names[index] === undefined) {
        this.names[index] = keyword;
        return { letter: String.fromCharCode(0x61 + index), added: true };
      }
    }
    return { letter: undefined, added: false };
  }

  /** Every defined keyword. */
  keywords(): string[] {
    return this.names.filter((name): name is string => name !== undefined);
  }
}

/** IMAP flags of a file's letters (unknown letters and undefined keywords are left out). */
export function flagsOfLetters(letters: string, keywords: KeywordTable): string[] {
  const flags: string[] = [];
  for (const letter of letters) {
    const system = letterToSystemFlag.get(letter);
    if (system) flags.push(system);
    else if (letter >= 'a' && letter <= 'z') {
      const keyword = keywords.keywordOf(letter);
      if (keyword) flags.push(keyword);
    }
  }
  return flags;
}

/** Letters that are not IMAP flags (such as `P`): kept across flag changes. */
export function foreignLetters(letters: string): string {
  return [...letters].filter((l) => !letterToSystemFlag.has(l) && !(l >= 'a' && l <= 'z')).join('');
}
