/**
 * The arguments of LIST with LIST-EXTENDED (RFC 5258): selection options, reference, one pattern or
 * a list of them, and RETURN options (SUBSCRIBED, CHILDREN, SPECIAL-USE RFC 6154, STATUS RFC 5819).
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { astringBytes, listItems } from './command-args.js';
import { parseStatusItems } from './commands/folder-commands.js';
import { bad } from './imap-errors.js';
import { maxPatternLength } from './list-pattern.js';

/** What a LIST asked for. */
export interface ListRequest {
  /** Selection SUBSCRIBED: subscribed names, also of folders that do not exist. */
  subscribedOnly: boolean;
  /** Selection SPECIAL-USE: folders with a special use only. */
  specialUseOnly: boolean;
  /** RECURSIVEMATCH: parents of selected names the patterns miss are listed with CHILDINFO. */
  recursiveMatch: boolean;
  returnSubscribed: boolean;
  returnStatus: ReturnType<typeof parseStatusItems> | undefined;
  /** An extended LIST (any option or a pattern list): answers may carry \NonExistent. */
  extended: boolean;
  reference: string;
  patterns: string[];
}

/** Patterns arrive as modified UTF-7, printable 7-bit only. */
export function patternText(token: ImapToken | undefined, what: string): string {
  const text = astringBytes(token, what).toString('latin1');
  if (!/^[\x20-\x7e]*$/.test(text)) throw bad(`${what} must be modified UTF-7 (7-bit printable)`);
  if (text.length > maxPatternLength) throw bad(`${what} is longer than ${maxPatternLength} bytes`);
  return text;
}

/** Parses LIST's arguments. */
export function parseListRequest(args: readonly ImapToken[]): ListRequest {
  const request: ListRequest = {
    subscribedOnly: false,
    specialUseOnly: false,
    recursiveMatch: false,
    returnSubscribed: false,
    returnStatus: undefined,
    extended: false,
    reference: '',
    patterns: [],
  };
  let index = 0;
  if (args[0]?.type === 'list') {
    request.extended = true;
    for (const item of args[0].items) {
      const name = item.type === 'atom' ? item.value.toUpperCase() : '';
      if (name === 'SUBSCRIBED') request.subscribedOnly = true;
      else if (name === 'SPECIAL-USE') request.specialUseOnly = true;
      else if (name === 'RECURSIVEMATCH') request.recursiveMatch = true;
      else if (name !== 'REMOTE')
        throw bad(`Unknown LIST selection option ${name.slice(0, 30) || '(not an atom)'}`);
    }
    // RECURSIVEMATCH only refines another selection option (RFC 5258 3.1).
    if (request.recursiveMatch && !request.subscribedOnly)
      throw bad('RECURSIVEMATCH needs another selection option');
    index = 1;
  }
  request.reference = patternText(args[index], 'Reference');
  const patternToken = args[index + 1];
  if (patternToken?.type === 'list') {
    request.extended = true;
    if (patternToken.items.length === 0) throw bad('Empty list of mailbox patterns');
    request.patterns = patternToken.items.map((item) => patternText(item, 'Mailbox pattern'));
  } else {
    request.patterns = [patternText(patternToken, 'Mailbox pattern')];
  }
  const rest = args.slice(index + 2);
  if (rest.length > 0) {
    if (rest.length !== 2 || rest[0]?.type !== 'atom' || rest[0].value.toUpperCase() !== 'RETURN') {
      throw bad('Expected RETURN (options) after the mailbox patterns');
    }
    request.extended = true;
    const items = listItems(rest[1], 'RETURN options');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const name = item.type === 'atom' ? item.value.toUpperCase() : '';
      if (name === 'SUBSCRIBED') request.returnSubscribed = true;
      else if (name === 'STATUS')
        request.returnStatus = parseStatusItems(listItems(items[++i], 'STATUS items'));
      else if (name !== 'CHILDREN' && name !== 'SPECIAL-USE')
        throw bad(`Unknown LIST return option ${name.slice(0, 30) || '(not an atom)'}`);
    }
  }
  return request;
}
