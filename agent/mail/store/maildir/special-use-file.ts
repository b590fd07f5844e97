/**
 * Special uses given to folders with CREATE (USE (...)) (RFC 6154 CREATE-SPECIAL-USE), kept in
 * `mailfleet-special-use` at the Maildir root: one line per folder, the attributes then a tab then
 * the folder name in UTF-8. Dovecot has no per-Maildir file for this (it takes special uses from its
 * configuration), so it is our own; the default folders (Drafts, Sent, Trash, Junk) need no line.
 * Loaded once per loaded mailbox and changed only in its structure lane.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissing, replaceFileAtomically } from '../../../common/durable-fs.js';
import type { MailboxState } from './mailbox-state.js';

const fileName = 'mailfleet-special-use';
const loaded = new WeakMap<MailboxState, Promise<Map<string, string>>>();

async function read(maildir: string): Promise<Map<string, string>> {
  let text = '';
  try {
    text = await readFile(join(maildir, fileName), 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  const uses = new Map<string, string>();
  for (const line of text.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab <= 0) continue;
    const attributes = line.slice(0, tab).trim();
    // Only flag-like words: a hand-edited or damaged line cannot put anything else into LIST.
    if (/^\\[A-Za-z]+( \\[A-Za-z]+)*$/.test(attributes)) uses.set(line.slice(tab + 1), attributes);
  }
  return uses;
}

/** Folder name -> special-use attributes (`\Archive`, or several separated by spaces). */
export function specialUsesOf(state: MailboxState): Promise<Map<string, string>> {
  let uses = loaded.get(state);
  if (!uses) {
    uses = read(state.maildir);
    loaded.set(state, uses);
    // A failed read is tried again next time rather than remembered.
    uses.catch(() => loaded.delete(state));
  }
  return uses;
}

/** Writes the table back (atomically); call in the structure lane after changing it. */
export async function saveSpecialUses(state: MailboxState, uses: Map<string, string>): Promise<void> {
  const lines = [...uses]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, attributes]) => `${attributes}\t${name}\n`);
  await replaceFileAtomically(join(state.maildir, fileName), lines.join(''));
}
