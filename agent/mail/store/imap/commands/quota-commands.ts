/**
 * QUOTA (RFC 2087 / RFC 9208, resource STORAGE in units of 1024 octets). Every mailbox has one
 * quota root, "", whose limit comes from the directory; SETQUOTA is refused.
 */

import { imapString } from '../../../protocol/imap/imap-string.js';
import { expectArgs, mailboxArg } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { no } from '../imap-errors.js';
import type { ImapSession } from '../imap-session.js';
import { mailboxToWire } from '../mailbox-name.js';

async function quotaLine(session: ImapSession): Promise<string> {
  const usage = await session.mailbox!.quota();
  if (usage.limitBytes === 0) return '* QUOTA "" ()';
  return `* QUOTA "" (STORAGE ${Math.ceil(usage.usedBytes / 1024)} ${Math.floor(usage.limitBytes / 1024)})`;
}

/** GETQUOTAROOT mailbox: the root "" and its usage. */
export const getQuotaRootCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  const name = mailboxArg(command.args[0]);
  // The folder must exist (RFC 9208 4.3.3); its status says so without opening it.
  await session.mailbox!.folderStatus(name);
  session.out.line(`* QUOTAROOT ${imapString(mailboxToWire(name))} ""`);
  session.out.line(await quotaLine(session));
  return undefined;
};

/** GETQUOTA "": STORAGE usage and limit in KiB (an empty list when unlimited). */
export const getQuotaCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  const root = command.args[0];
  const name =
    root?.type === 'string' ? root.value.toString('latin1') : root?.type === 'atom' ? root.value : undefined;
  if (name !== '') throw no('No such quota root (the only one is "")', 'NONEXISTENT');
  session.out.line(await quotaLine(session));
  return undefined;
};

/** SETQUOTA: refused (NO [NOPERM]). */
export const setQuotaCommand: CommandHandler = async () => {
  throw no('Quotas are set in the directory, not over IMAP', 'NOPERM');
};
