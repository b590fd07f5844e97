/**
 * LIST (RFC 3501, LIST-EXTENDED basics RFC 5258, SPECIAL-USE RFC 6154, LIST-STATUS RFC 5819)
 * and LSUB. Patterns are matched against the modified UTF-7 names, as clients send them.
 */
import type { FolderInfo } from '../../mail-storage.js';
import { astringBytes, expectArgs, listItems } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad } from '../imap-errors.js';
import type { ImapToken } from '../imap-parser.js';
import { imapString } from '../imap-string.js';
import { ListPattern, maxPatternLength } from '../list-pattern.js';
import { hierarchySeparator, mailboxToWire } from '../mailbox-name.js';
import { parseStatusItems, statusLine } from './folder-commands.js';

interface ListOptions {
  subscribedOnly: boolean;
  specialUseOnly: boolean;
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  returnStatus: ReturnType<typeof parseStatusItems> | undefined;
  extended: boolean;
}

function patternText(token: ImapToken | undefined, what: string): string {
  const text = astringBytes(token, what).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(text)) throw bad(`${what} must be modified UTF-7 (7-bit printable)`);
  if (text.length > maxPatternLength) throw bad(`${what} is longer than ${maxPatternLength} bytes`);
  return text;
}

function parentsOf(name: string): string[] {
  const levels = name.split(hierarchySeparator);
  return levels.slice(1).map((_, i) => levels.slice(0, i + 1).join(hierarchySeparator));
}

function parseOptions(args: readonly ImapToken[]): {
  options: ListOptions;
  reference: string;
  patterns: string[];
} {
  const options: ListOptions = {
    subscribedOnly: false,
    specialUseOnly: false,
    recursiveMatch: false,
    returnSubscribed: false,
    returnStatus: undefined,
    extended: false,
  };
  let index = 0;
  if (args[0]?.type === 'list') {
    options.extended = true;
    for (const item of args[0].items) {
      const name = item.type === 'atom' ? item.value.toUpperCase() : '';
      if (name === 'SUBSCRIBED') options.subscribedOnly = true;
      else if (name === 'SPECIAL-USE') options.specialUseOnly = true;
      else if (name === 'RECURSIVEMATCH') options.recursiveMatch = true;
      else if (name !== 'REMOTE')
        throw bad(`Unknown LIST selection option ${name.slice(0, 30) || '(not an atom)'}`);
    }
    if (options.recursiveMatch && !options.subscribedOnly)
      throw bad('RECURSIVEMATCH needs another selection option');
    index = 1;
  }
  const reference = patternText(args[index], 'Reference');
  const patternToken = args[index + 1];
  const patterns =
    patternToken?.type === 'list'
      ? patternToken.items.map((item) => patternText(item, 'Mailbox pattern'))
      : [patternText(patternToken, 'Mailbox pattern')];
  if (patternToken?.type === 'list') options.extended = true;
  const rest = args.slice(index + 2);
  if (rest.length > 0) {
    if (rest.length !== 2 || rest[0]?.type !== 'atom' || rest[0].value.toUpperCase() !== 'RETURN') {
      throw bad('Expected RETURN (options) after the mailbox patterns');
    }
    options.extended = true;
    const items = listItems(rest[1], 'RETURN options');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const name = item.type === 'atom' ? item.value.toUpperCase() : '';
      if (name === 'SUBSCRIBED') options.returnSubscribed = true;
      else if (name === 'STATUS')
        options.returnStatus = parseStatusItems(listItems(items[++i], 'STATUS items'));
      else if (name !== 'CHILDREN' && name !== 'SPECIAL-USE')
        throw bad(`Unknown LIST return option ${name.slice(0, 30)}`);
    }
  }
  return { options, reference, patterns };
}

/** LIST, with the LIST-EXTENDED selection and return options listed above. */
export const listCommand: CommandHandler = async (session, command) => {
  if (command.args.length < 2) throw bad('LIST needs a reference and a mailbox pattern');
  const { options, reference, patterns } = parseOptions(command.args);
  if (patterns.length === 1 && patterns[0] === '' && !options.subscribedOnly && !options.specialUseOnly) {
    // An empty pattern asks for the hierarchy separator (RFC 3501 6.3.8).
    session.out.line(`* LIST (\\Noselect) "${hierarchySeparator}" ""`);
    return undefined;
  }
  const folders = await session.mailbox!.listFolders();
  const byName = new Map(folders.map((folder) => [folder.name, folder]));
  const matchers = patterns
    .filter((p) => p !== '')
    .map((pattern) => ({ pattern: new ListPattern(reference + pattern), percentEnd: pattern.endsWith('%') }));
  const selectable = (folder: FolderInfo): boolean =>
    (!options.subscribedOnly || folder.subscribed) &&
    (!options.specialUseOnly || folder.specialUse !== undefined);
  const lines = new Map<string, string>();
  const hasChildren = (name: string): boolean =>
    folders.some((f) => f.name.startsWith(`${name}${hierarchySeparator}`));
  const statusFor: string[] = [];
  for (const folder of folders) {
    const wire = mailboxToWire(folder.name);
    const matched = matchers.some((m) => m.pattern.matches(wire));
    if (matched && selectable(folder)) {
      const attributes = [hasChildren(folder.name) ? '\\HasChildren' : '\\HasNoChildren'];
      if (folder.specialUse) attributes.push(folder.specialUse);
      if ((options.returnSubscribed || options.subscribedOnly) && folder.subscribed)
        attributes.push('\\Subscribed');
      lines.set(folder.name, `* LIST (${attributes.join(' ')}) "${hierarchySeparator}" ${imapString(wire)}`);
      statusFor.push(folder.name);
    }
    for (const parent of parentsOf(folder.name)) {
      if (lines.has(parent)) continue;
      const parentWire = mailboxToWire(parent);
      const parentFolder = byName.get(parent);
      // A parent is listed for a pattern ending in "%" that stops at its level (RFC 3501 6.3.8), or with
      // RECURSIVEMATCH when a child qualifies (RFC 5258 CHILDINFO).
      const byPercent =
        !parentFolder &&
        selectable(folder) &&
        matchers.some((m) => m.percentEnd && m.pattern.matches(parentWire));
      const byRecursion =
        options.recursiveMatch &&
        selectable(folder) &&
        matchers.some((m) => m.pattern.matches(parentWire)) &&
        !(parentFolder && selectable(parentFolder));
      if (!byPercent && !byRecursion) continue;
      const attributes = parentFolder ? ['\\HasChildren'] : ['\\Noselect', '\\HasChildren'];
      if (!parentFolder && options.extended) attributes.unshift('\\NonExistent');
      const childInfo = byRecursion ? ' ("CHILDINFO" ("SUBSCRIBED"))' : '';
      lines.set(
        parent,
        `* LIST (${attributes.join(' ')}) "${hierarchySeparator}" ${imapString(parentWire)}${childInfo}`,
      );
    }
  }
  const ordered = [...lines.keys()].sort((a, b) =>
    a === 'INBOX' ? -1 : b === 'INBOX' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  for (const name of ordered) {
    session.out.line(lines.get(name)!);
    if (options.returnStatus && statusFor.includes(name))
      session.out.line(await statusLine(session, name, options.returnStatus));
  }
  return undefined;
};

/** LSUB: subscribed folders matching the pattern. */
export const lsubCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 2);
  const reference = patternText(command.args[0], 'Reference');
  const pattern = patternText(command.args[1], 'Mailbox pattern');
  if (pattern === '') return undefined;
  const matcher = new ListPattern(reference + pattern);
  const folders = (await session.mailbox!.listFolders()).filter((folder) => folder.subscribed);
  const lines = new Map<string, string>();
  for (const folder of folders) {
    const wire = mailboxToWire(folder.name);
    if (matcher.matches(wire))
      lines.set(folder.name, `* LSUB () "${hierarchySeparator}" ${imapString(wire)}`);
    if (!pattern.endsWith('%')) continue;
    for (const parent of parentsOf(folder.name)) {
      const parentWire = mailboxToWire(parent);
      if (!lines.has(parent) && !folders.some((f) => f.name === parent) && matcher.matches(parentWire)) {
        lines.set(parent, `* LSUB (\\Noselect) "${hierarchySeparator}" ${imapString(parentWire)}`);
      }
    }
  }
  for (const name of [...lines.keys()].sort()) session.out.line(lines.get(name)!);
  return undefined;
};
