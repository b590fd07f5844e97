/**
 * CREATE-SPECIAL-USE (RFC 6154 3): `CREATE Archive (USE (\Archive))`. A use this server can give
 * a folder of its own is kept with it; \All and \Flagged name virtual views it does not have,
 * so CREATE is refused with NO [USEATTR] and the folder is not created.
 */

import type { ImapToken } from '../../protocol/imap/imap-parser.js';
import { listItems } from './command-args.js';
import { bad, no } from './imap-errors.js';

/** Uses a real folder can have, in their canonical case. */
const storable = new Map(
  ['\\Archive', '\\Drafts', '\\Junk', '\\Sent', '\\Trash'].map((use) => [use.toLowerCase(), use]),
);

/** The special-use attributes of CREATE's parameter list, space-separated, or undefined for `(USE ())`. */
export function createSpecialUse(token: ImapToken): string | undefined {
  const params = listItems(token, 'CREATE parameters');
  if (params.length !== 2 || params[0]?.type !== 'atom' || params[0].value.toUpperCase() !== 'USE')
    throw bad('CREATE takes (USE (special-use attributes)) as its only parameter');
  const uses: string[] = [];
  for (const item of listItems(params[1], 'USE attributes')) {
    const name = item.type === 'atom' ? item.value : '';
    const use = storable.get(name.toLowerCase());
    if (!use)
      throw no(
        `Special use ${name.slice(0, 30) || '(not an atom)'} cannot be given to a folder here`,
        'USEATTR',
      );
    if (!uses.includes(use)) uses.push(use);
  }
  return uses.length > 0 ? uses.join(' ') : undefined;
}
