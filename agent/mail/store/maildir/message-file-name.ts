/**
 * Maildir message file names as Dovecot writes them:
 * `<secs>.M<usecs>P<pid>Q<n>R<random>.<host>,S=<size>,W=<vsize>:2,<flags>`. The part before `:2,`
 * (the base) never changes and is what dovecot-uidlist maps to a UID; the flag letters after it
 * change with the message's flags.
 */
import { randomBytes } from 'node:crypto';

/** A message file name taken apart. */
export interface MessageFileName {
  /** The unique, unchanging part (includes `,S=` and `,W=`). */
  base: string;
  /** Bytes in the file, from `,S=`, when present. */
  size?: number;
  /** Size with CRLF line ends, from `,W=`, when present. */
  vsize?: number;
  /** Flag letters after `:2,` ('' when there is no info part). */
  letters: string;
}

/** Splits a file name of new/ or cur/; undefined for names that cannot be messages (dot files). */
export function parseMessageFileName(name: string): MessageFileName | undefined {
  if (name.length === 0 || name.startsWith('.') || name.includes('/')) return undefined;
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const info = colon < 0 ? '' : name.slice(colon + 1);
  const letters = info.startsWith('2,') ? info.slice(2) : '';
  const parsed: MessageFileName = { base, letters };
  const size = /,S=(\d{1,15})(?:,|$)/.exec(base);
  if (size) parsed.size = Number(size[1]);
  const vsize = /,W=(\d{1,15})(?:,|$)/.exec(base);
  if (vsize) parsed.vsize = Number(vsize[1]);
  return parsed;
}

/** The file name for a base with flag letters (sorted, as Maildir requires). */
export function formatMessageFileName(base: string, letters: string): string {
  return `${base}:2,${sortLetters(letters)}`;
}

/** Flag letters in ASCII order without duplicates. */
export function sortLetters(letters: string): string {
  return [...new Set(letters)].sort().join('');
}

/**
 * Makes unique bases for new message files: one per storage, so the counter is not global state.
 * Unique by time, pid and counter; a random tag per generator keeps two storages of one process
 * apart (the tmp/ file is created with O_EXCL, so a clash would fail, never overwrite).
 */
export class MessageBaseGenerator {
  private counter = 0;
  private readonly host: string;
  private readonly tag = randomBytes(3).toString('hex');

  constructor(
    hostName: string,
    private readonly pid: number,
  ) {
    // The Maildir convention escapes `/` and `:`; `,` too, so `,S=` is never found inside a host name.
    this.host = hostName.replace(/[/:,\\]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  }

  /** A new base for a message of `size` bytes (stored with CRLF, so W equals S). */
  next(size: number, now = Date.now()): string {
    this.counter++;
    const seconds = Math.floor(now / 1000);
    const micros = (now % 1000) * 1000;
    return `${seconds}.M${micros}P${this.pid}Q${this.counter}R${this.tag}.${this.host},S=${size},W=${size}`;
  }
}
