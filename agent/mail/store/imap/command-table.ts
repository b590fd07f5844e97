/**
 * Every command the server knows: the states it is allowed in, whether untagged updates may
 * follow it, and its handler (agent/mail/store/imap/commands/).
 */

import type { ImapCommand } from '../../protocol/imap/imap-parser.js';
import { appendCommand } from './commands/append-command.js';
import { compressCommand } from './commands/compress-command.js';
import {
  capabilityCommand,
  checkCommand,
  enableCommand,
  idCommand,
  logoutCommand,
  namespaceCommand,
  noopCommand,
  startTlsCommand,
} from './commands/connection-commands.js';
import { copyCommand, moveCommand } from './commands/copy-move-commands.js';
import { fetchCommand } from './commands/fetch-command.js';
import {
  createCommand,
  deleteCommand,
  renameCommand,
  statusCommand,
  subscribeCommand,
  unsubscribeCommand,
} from './commands/folder-commands.js';
import { idleCommand } from './commands/idle-command.js';
import { listCommand, lsubCommand } from './commands/list-command.js';
import { authenticateCommand, loginCommand } from './commands/login-commands.js';
import { getQuotaCommand, getQuotaRootCommand, setQuotaCommand } from './commands/quota-commands.js';
import { searchCommand } from './commands/search-command.js';
import {
  closeCommand,
  examineCommand,
  expungeCommand,
  selectCommand,
  unselectCommand,
} from './commands/select-commands.js';
import { sortCommand, threadCommand } from './commands/sort-command.js';
import { storeCommand } from './commands/store-command.js';
import type { ImapSession, SessionState } from './imap-session.js';

/** How a handler may end its command (the session writes the tagged OK). */
export interface CommandOutcome {
  /** Response code without brackets: `APPENDUID 1 5`. */
  code?: string;
  text?: string;
  /** Runs right after the tagged reply is flushed (STARTTLS handshake, LOGOUT close). */
  after?: () => void;
}

/** A command handler. */
export type CommandHandler = (
  session: ImapSession,
  command: ImapCommand,
  uid: boolean,
) => Promise<CommandOutcome | undefined>;

/** One command's rules. */
export interface CommandSpec {
  states: readonly SessionState[];
  /** When untagged EXPUNGE/EXISTS may follow: always, only in the UID form, or never. */
  updates: 'any' | 'uid' | 'none';
  /** Refresh the selected folder even if no change was signalled (NOOP, CHECK). */
  refresh?: boolean;
  run: CommandHandler;
}

const any: readonly SessionState[] = ['not-authenticated', 'authenticated', 'selected'];
const notAuthenticated: readonly SessionState[] = ['not-authenticated'];
const authenticated: readonly SessionState[] = ['authenticated', 'selected'];
const selected: readonly SessionState[] = ['selected'];

/** Commands that have a UID form. */
export const uidCommands: ReadonlySet<string> = new Set([
  'FETCH',
  'STORE',
  'SEARCH',
  'COPY',
  'MOVE',
  'EXPUNGE',
  'SORT',
  'THREAD',
]);

/** The command table. */
export const commandTable: ReadonlyMap<string, CommandSpec> = new Map<string, CommandSpec>([
  ['CAPABILITY', { states: any, updates: 'any', run: capabilityCommand }],
  ['NOOP', { states: any, updates: 'any', refresh: true, run: noopCommand }],
  ['LOGOUT', { states: any, updates: 'none', run: logoutCommand }],
  ['ID', { states: any, updates: 'any', run: idCommand }],
  ['STARTTLS', { states: notAuthenticated, updates: 'none', run: startTlsCommand }],
  ['LOGIN', { states: notAuthenticated, updates: 'none', run: loginCommand }],
  ['AUTHENTICATE', { states: notAuthenticated, updates: 'none', run: authenticateCommand }],
  ['ENABLE', { states: authenticated, updates: 'any', run: enableCommand }],
  ['NAMESPACE', { states: authenticated, updates: 'any', run: namespaceCommand }],
  ['SELECT', { states: authenticated, updates: 'none', run: selectCommand }],
  ['EXAMINE', { states: authenticated, updates: 'none', run: examineCommand }],
  ['CREATE', { states: authenticated, updates: 'any', run: createCommand }],
  ['DELETE', { states: authenticated, updates: 'any', run: deleteCommand }],
  ['RENAME', { states: authenticated, updates: 'any', run: renameCommand }],
  ['SUBSCRIBE', { states: authenticated, updates: 'any', run: subscribeCommand }],
  ['UNSUBSCRIBE', { states: authenticated, updates: 'any', run: unsubscribeCommand }],
  ['LIST', { states: authenticated, updates: 'any', run: listCommand }],
  ['LSUB', { states: authenticated, updates: 'any', run: lsubCommand }],
  ['STATUS', { states: authenticated, updates: 'any', run: statusCommand }],
  ['APPEND', { states: authenticated, updates: 'any', run: appendCommand }],
  ['GETQUOTA', { states: authenticated, updates: 'any', run: getQuotaCommand }],
  ['GETQUOTAROOT', { states: authenticated, updates: 'any', run: getQuotaRootCommand }],
  ['SETQUOTA', { states: authenticated, updates: 'any', run: setQuotaCommand }],
  ['IDLE', { states: authenticated, updates: 'any', run: idleCommand }],
  ['COMPRESS', { states: authenticated, updates: 'none', run: compressCommand }],
  ['CHECK', { states: selected, updates: 'any', refresh: true, run: checkCommand }],
  ['CLOSE', { states: selected, updates: 'none', run: closeCommand }],
  ['UNSELECT', { states: selected, updates: 'none', run: unselectCommand }],
  ['EXPUNGE', { states: selected, updates: 'any', run: expungeCommand }],
  ['SEARCH', { states: selected, updates: 'uid', run: searchCommand }],
  ['FETCH', { states: selected, updates: 'uid', run: fetchCommand }],
  ['STORE', { states: selected, updates: 'uid', run: storeCommand }],
  ['COPY', { states: selected, updates: 'any', run: copyCommand }],
  ['MOVE', { states: selected, updates: 'any', run: moveCommand }],
  ['SORT', { states: selected, updates: 'uid', run: sortCommand }],
  ['THREAD', { states: selected, updates: 'uid', run: threadCommand }],
]);
