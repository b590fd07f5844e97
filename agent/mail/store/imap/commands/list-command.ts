/**
 * LIST (RFC 3501, LIST-EXTENDED RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819) and LSUB.
 * Patterns are matched against the modified UTF-7 names, as clients send them. Subscriptions are
 * listed also for folders that no longer exist (`\NonExistent`), as RFC 3501 6.3.6 keeps them.
 */

import { imapString } from '../../../protocol/imap/imap-string.js';
import { type FolderInfo, MailStorageError } from '../../mail-storage.js';
import { expectArgs } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { parseListRequest, patternText } from '../list-options.js';
import { ListPattern } from '../list-pattern.js';
import { hierarchySeparator, mailboxToWire } from '../mailbox-name.js';
import { statusLine } from './folder-commands.js';

function parentsOf(name: string): string[] {
  const levels = name.split(hierarchySeparator);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(hierarchySeparator));
}

function listLine(attributes: readonly string[], name: string, extra = ''): string {
  return `* LIST (${attributes.join(' ')}) "${hierarchySeparator}" ${imapString(mailboxToWire(name))}${extra}`;
}

/** INBOX first, then by name. */
function listOrder(a: string, b: string): number {
  return a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

/** A name LIST may return: an existing folder, or (selection SUBSCRIBED) a subscription. */
interface Candidate {
  name: string;
  folder: FolderInfo | undefined;
  subscribed: boolean;
}

async function candidatesOf(
  session: ImapSession,
  folders: readonly FolderInfo[],
  subscribedOnly: boolean,
): Promise<Candidate[]> {
  if (!subscribedOnly)
    return folders.map((folder) => ({ name: folder.name, folder, subscribed: folder.subscribed }));
  const byName = new Map(folders.map((folder) => [folder.name, folder]));
  const names = await session.mailbox!.listSubscriptions();
  return names.map((name) => ({ name, folder: byName.get(name), subscribed: true }));
}

/** LIST, with the LIST-EXTENDED selection and return options listed in list-options.ts. */
export const listCommand: CommandHandler = async (session, command) => {
  if (command.args.length < 2) throw bad('LIST needs a reference and a mailbox pattern');
  const request = parseListRequest(command.args);
  const { reference, patterns } = request;
  if (patterns.length === 1 && patterns[0] === '' && !request.subscribedOnly && !request.specialUseOnly) {
    // An empty pattern asks for the hierarchy separator (RFC 3501 6.3.8).
    session.out.line(`* LIST (\\Noselect) "${hierarchySeparator}" ""`);
    return undefined;
  }
  const folders = await session.mailbox!.listFolders();
  const byName = new Map(folders.map((folder) => [folder.name, folder]));
  const withChildren = new Set(folders.flatMap((folder) => parentsOf(folder.name)));
  const matchers = patterns
    .filter((pattern) => pattern !== '')
    .map((pattern) => ({ pattern: new ListPattern(reference + pattern), percentEnd: pattern.endsWith('%') }));
  const matches = (name: string): boolean => {
    const wire = mailboxToWire(name);
    return matchers.some((matcher) => matcher.pattern.matches(wire));
  };
  const candidates = (await candidatesOf(session, folders, request.subscribedOnly)).filter(
    (candidate) => !request.specialUseOnly || candidate.folder?.specialUse !== undefined,
  );
  const selected = new Set(candidates.map((candidate) => candidate.name));
  const childAttribute = (name: string): string =>
    withChildren.has(name) ? '\\HasChildren' : '\\HasNoChildren';
  const lines = new Map<string, string>();
  const statusFor = new Set<string>();
  const unmatched: Candidate[] = [];
  for (const candidate of candidates) {
    if (!matches(candidate.name)) {
      unmatched.push(candidate);
      continue;
    }
    const attributes: string[] = [];
    if (candidate.folder) {
      attributes.push(childAttribute(candidate.name));
      if (candidate.folder.specialUse) attributes.push(candidate.folder.specialUse);
      statusFor.add(candidate.name);
    } else {
      // A subscription whose folder was deleted (\NonExistent implies \Noselect, RFC 5258 3).
      attributes.push('\\NonExistent');
      if (withChildren.has(candidate.name)) attributes.push('\\HasChildren');
    }
    if ((request.returnSubscribed || request.subscribedOnly) && candidate.subscribed)
      attributes.push('\\Subscribed');
    lines.set(candidate.name, listLine(attributes, candidate.name));
  }
  // RECURSIVEMATCH: a parent the patterns match, of a selected name they miss, carries CHILDINFO.
  if (request.recursiveMatch) {
    for (const candidate of unmatched) {
      for (const parent of parentsOf(candidate.name)) {
        if (lines.has(parent) || selected.has(parent) || !matches(parent)) continue;
        const attributes = byName.has(parent) ? ['\\HasChildren'] : ['\\NonExistent', '\\HasChildren'];
        lines.set(parent, listLine(attributes, parent, ' ("CHILDINFO" ("SUBSCRIBED"))'));
      }
    }
  }
  // A pattern ending in "%" lists a missing parent of a selected folder at its level (RFC 3501 6.3.8).
  for (const candidate of candidates) {
    if (!candidate.folder) continue;
    for (const parent of parentsOf(candidate.name)) {
      if (lines.has(parent) || byName.has(parent)) continue;
      const wire = mailboxToWire(parent);
      if (!matchers.some((matcher) => matcher.percentEnd && matcher.pattern.matches(wire))) continue;
      const attributes = ['\\Noselect', '\\HasChildren'];
      if (request.extended) attributes.unshift('\\NonExistent');
      lines.set(parent, listLine(attributes, parent));
    }
  }
  for (const name of [...lines.keys()].sort(listOrder)) {
    session.out.line(lines.get(name)!);
    if (!request.returnStatus || !statusFor.has(name)) continue;
    try {
      session.out.line(await statusLine(session, name, request.returnStatus));
    } catch (error) {
      // Deleted by another session meanwhile: its LIST line stands, its STATUS is left out.
      if (!(error instanceof MailStorageError && error.code === 'no-such-folder')) throw error;
    }
  }
  return undefined;
};

/** LSUB: subscribed names matching the pattern (also of folders that no longer exist). */
export const lsubCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 2);
  const reference = patternText(command.args[0], 'Reference');
  const pattern = patternText(command.args[1], 'Mailbox pattern');
  if (pattern === '') return undefined;
  const matcher = new ListPattern(reference + pattern);
  const subscribed = new Set(await session.mailbox!.listSubscriptions());
  const lines = new Map<string, string>();
  const lsubLine = (attributes: string, name: string): string =>
    `* LSUB (${attributes}) "${hierarchySeparator}" ${imapString(mailboxToWire(name))}`;
  for (const name of subscribed) {
    if (matcher.matches(mailboxToWire(name))) lines.set(name, lsubLine('', name));
    if (!pattern.endsWith('%')) continue;
    // "%" lists an unsubscribed parent of a subscribed name as \Noselect (RFC 3501 6.3.9).
    for (const parent of parentsOf(name)) {
      if (!lines.has(parent) && !subscribed.has(parent) && matcher.matches(mailboxToWire(parent)))
        lines.set(parent, lsubLine('\\Noselect', parent));
    }
  }
  for (const name of [...lines.keys()].sort()) session.out.line(lines.get(name)!);
  return undefined;
};
