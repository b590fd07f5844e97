/**
 * LIST/LSUB mailbox patterns (RFC 3501 6.3.8): `*` matches anything, `%` anything but the
 * hierarchy separator. Matched by stepping a set of pattern positions through the name (no
 * backtracking), so a hostile pattern like `*a*a*a*a...` costs at most name x pattern steps.
 */
import { hierarchySeparator, normalizeInbox } from './mailbox-name.js';

/** Longest pattern accepted (bytes of modified UTF-7, reference included). */
export const maxPatternLength = 1024;

/** A compiled pattern. */
export class ListPattern {
  private readonly pattern: string;

  constructor(pattern: string) {
    // INBOX is case-insensitive, also as the first level of a pattern.
    this.pattern = normalizeInbox(pattern);
  }

  /** Whether a (modified UTF-7) mailbox name matches. */
  matches(name: string): boolean {
    const pattern = this.pattern;
    const size = pattern.length;
    let current = new Uint8Array(size + 1);
    let next = new Uint8Array(size + 1);
    current[0] = 1;
    this.closeOverWildcards(current);
    for (let i = 0; i < name.length; i++) {
      const char = name[i];
      next.fill(0);
      let alive = false;
      for (let p = 0; p < size; p++) {
        if (current[p] !== 1) continue;
        const token = pattern[p];
        if (token === '*' || (token === '%' && char !== hierarchySeparator)) {
          next[p] = 1;
          alive = true;
        } else if (token === char) {
          next[p + 1] = 1;
          alive = true;
        }
      }
      if (!alive) return false;
      this.closeOverWildcards(next);
      [current, next] = [next, current];
    }
    return current[size] === 1;
  }

  /** A wildcard may match nothing: a live position before one makes the position after it live too. */
  private closeOverWildcards(states: Uint8Array): void {
    for (let p = 0; p < this.pattern.length; p++) {
      if (states[p] === 1 && (this.pattern[p] === '*' || this.pattern[p] === '%')) states[p + 1] = 1;
    }
  }
}
