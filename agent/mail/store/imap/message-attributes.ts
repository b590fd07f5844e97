/**
 * Message attributes as IMAP writes and reads them: flag lists, INTERNALDATE, and APPEND's
 * date-time argument.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { systemFlags } from '../mail-storage.js';
import { bad } from './imap-errors.js';

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `(\Seen $Label)` plus `\Recent` when the message is recent to this session. */
export function formatFlags(flags: readonly string[], recent: boolean): string {
  return `(${recent ? [...flags, '\\Recent'].join(' ') : flags.join(' ')})`;
}

/** INTERNALDATE in UTC: `"03-Jul-1996 09:44:25 +0000"` (two-digit day, as Dovecot writes it). */
export function formatInternalDate(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const day = pad(date.getUTCDate());
  return `"${day}-${months[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(
    date.getUTCMinutes(),
  )}:${pad(date.getUTCSeconds())} +0000"`;
}

/** Parses APPEND's date-time (`" 3-Nov-2026 09:15:00 +0900"`), or undefined if it is not one. */
export function parseDateTime(text: string): Date | undefined {
  const match = /^([ \d]\d)-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text);
  if (!match) return undefined;
  const month = months.findIndex((m) => m.toLowerCase() === match[2]!.toLowerCase());
  const day = Number(match[1]!.trim());
  const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6])];
  if (month === -1 || day < 1 || day > 31 || hours > 23 || minutes > 59 || seconds > 60) return undefined;
  const zone = (match[7] === '-' ? -1 : 1) * (Number(match[8]) * 60 + Number(match[9]));
  const time = Date.UTC(Number(match[3]), month, day, hours, minutes, seconds) - zone * 60_000;
  const check = new Date(Date.UTC(Number(match[3]), month, day));
  if (check.getUTCDate() !== day) return undefined;
  return new Date(time);
}

const canonicalSystemFlags = new Map(systemFlags.map((flag) => [flag.toLowerCase(), flag]));

/**
 * Flags from a STORE or APPEND argument: a list, or (STORE) bare flags. System flags are put in
 * their canonical case; `\Recent` cannot be set and is dropped; other `\` flags and malformed
 * keywords are errors.
 */
export function parseFlagList(tokens: readonly ImapToken[]): string[] {
  const flags: string[] = [];
  for (const token of tokens) {
    if (token.type !== 'atom') throw bad('Flags must be atoms');
    const value = token.value;
    if (value.startsWith('\\')) {
      const canonical = canonicalSystemFlags.get(value.toLowerCase());
      if (canonical) {
        if (!flags.includes(canonical)) flags.push(canonical);
      } else if (value.toLowerCase() !== '\\recent') {
        throw bad(`Invalid flag ${value.slice(0, 40)}`);
      }
      continue;
    }
    // flag-keyword = atom (RFC 3501 9): no atom-specials, no "]"; bounded as storage bounds it.
    if (!/^[\x21-\x7e]{1,100}$/.test(value) || /[(){%*"\\\]]/.test(value)) {
      throw bad(`Invalid keyword ${value.slice(0, 40)}`);
    }
    if (!flags.some((flag) => flag.toLowerCase() === value.toLowerCase())) flags.push(value);
  }
  return flags;
}
