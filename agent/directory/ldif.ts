/**
 * LDIF (RFC 2849) content records: reading entries from a .ldif file and writing them, so a
 * directory can be seeded from a file (`importDirectoryEntries`, `slapadd`) or exported.
 * Change records (`changetype:`) and URL values (`:<`) are not supported.
 */
import { writeFile } from 'node:fs/promises';
import type { DirectoryEntry } from '../common/directory/directory-entry.js';

/** Thrown for text that is not LDIF this reader supports; names the line. */
export class LdifSyntaxError extends Error {
  constructor(line: number, why: string) {
    super(`LDIF line ${line}: ${why}`);
    this.name = 'LdifSyntaxError';
  }
}

interface LogicalLine {
  number: number;
  text: string;
}

/** Parses LDIF text into entries, in file order. */
export function parseLdif(text: string): DirectoryEntry[] {
  const records: LogicalLine[][] = [[]];
  let previous: LogicalLine | undefined;
  let inComment = false;
  text.split(/\r?\n/).forEach((raw, index) => {
    const number = index + 1;
    if (raw.startsWith(' ')) {
      // A folded line continues the previous one (or the comment it belongs to).
      if (inComment) return;
      if (!previous) throw new LdifSyntaxError(number, 'continuation line with nothing to continue');
      previous.text += raw.slice(1);
      return;
    }
    inComment = raw.startsWith('#');
    if (inComment) return;
    if (raw.trim() === '') {
      if ((records[records.length - 1] as LogicalLine[]).length > 0) records.push([]);
      previous = undefined;
      return;
    }
    previous = { number, text: raw };
    (records[records.length - 1] as LogicalLine[]).push(previous);
  });
  const entries: DirectoryEntry[] = [];
  for (const record of records) {
    if (record.length === 0) continue;
    const lines = record[0]?.text.toLowerCase().startsWith('version:') ? record.slice(1) : record;
    if (lines.length === 0) continue;
    entries.push(parseRecord(lines));
  }
  return entries;
}

function parseRecord(lines: LogicalLine[]): DirectoryEntry {
  const [first, ...rest] = lines as [LogicalLine, ...LogicalLine[]];
  const dnLine = parseLine(first);
  if (dnLine.name.toLowerCase() !== 'dn')
    throw new LdifSyntaxError(first.number, 'a record must start with dn:');
  const attributes: Record<string, string[]> = {};
  for (const line of rest) {
    const { name, value } = parseLine(line);
    if (name.toLowerCase() === 'changetype')
      throw new LdifSyntaxError(line.number, 'change records are not supported');
    const existing = Object.keys(attributes).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
    attributes[existing] = [...(attributes[existing] ?? []), value];
  }
  return { dn: dnLine.value, attributes };
}

function parseLine(line: LogicalLine): { name: string; value: string } {
  const colon = line.text.indexOf(':');
  if (colon <= 0) throw new LdifSyntaxError(line.number, 'expected "name: value"');
  const name = line.text.slice(0, colon);
  if (!/^[A-Za-z0-9][A-Za-z0-9.;-]*$/.test(name))
    throw new LdifSyntaxError(line.number, `bad attribute name ${JSON.stringify(name)}`);
  const rest = line.text.slice(colon + 1);
  if (rest.startsWith(':'))
    return { name, value: Buffer.from(rest.slice(1).trim(), 'base64').toString('utf8') };
  if (rest.startsWith('<')) throw new LdifSyntaxError(line.number, 'URL values are not supported');
  return { name, value: rest.replace(/^ +/, '') };
}

/**
 * Formats entries as LDIF, base64 where RFC 2849 requires it, lines folded at 76. No `version: 1`
 * line: it is optional and slapadd refuses it.
 */
export function formatLdif(entries: Iterable<DirectoryEntry>): string {
  const out: string[] = [];
  for (const entry of entries) {
    out.push(...fold(attributeLine('dn', entry.dn)));
    for (const [name, values] of Object.entries(entry.attributes)) {
      for (const value of values) out.push(...fold(attributeLine(name, value)));
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function attributeLine(name: string, value: string): string {
  // SAFE-STRING of RFC 2849: 7-bit, no NUL/CR/LF, not starting with space, ':' or '<', not ending with space.
  const unsafeChar = [...value].some((c) => {
    const code = c.charCodeAt(0);
    return code === 0 || code === 10 || code === 13 || code > 127;
  });
  const safe = !unsafeChar && !/^[ :<]/.test(value) && !value.endsWith(' ');
  if (value === '') return `${name}:`;
  return safe ? `${name}: ${value}` : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function fold(line: string): string[] {
  if (line.length <= 76) return [line];
  const out = [line.slice(0, 76)];
  for (let i = 76; i < line.length; i += 75) out.push(` ${line.slice(i, i + 75)}`);
  return out;
}

/** Writes entries to an LDIF file (mode 0600: seeds may hold passwords). */
export async function writeLdifFile(path: string, entries: Iterable<DirectoryEntry>): Promise<void> {
  await writeFile(path, formatLdif(entries), { mode: 0o600 });
}
