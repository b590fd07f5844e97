/** CAPABILITY, NOOP, CHECK, LOGOUT, STARTTLS, ID (RFC 2971), ENABLE (RFC 5161), NAMESPACE (RFC 2342). */

import { imapUtf8String } from '../../../protocol/imap/imap-string.js';
import { expectArgs } from '../command-args.js';
import type { CommandHandler } from '../command-table.js';
import { bad } from '../imap-errors.js';
import { enableCondstore, enableQresync } from '../modseq-mode.js';

/** CAPABILITY: the list for the current state. */
export const capabilityCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  session.out.line(`* CAPABILITY ${session.capabilities().join(' ')}`);
  return undefined;
};

/** NOOP and CHECK: the session refreshes the selected folder afterwards (the table says so). */
export const noopCommand: CommandHandler = async (_session, command) => {
  expectArgs(command.args, 0);
  return undefined;
};

/** CHECK: like NOOP (every write is already durable). */
export const checkCommand: CommandHandler = noopCommand;

/** LOGOUT: BYE, OK, then the connection is closed. */
export const logoutCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  session.out.line('* BYE mailfleet IMAP server logging out');
  session.state = 'logout';
  return { text: 'LOGOUT completed', after: () => session.close() };
};

/** STARTTLS: OK, then the TLS handshake on the same connection. */
export const startTlsCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  if (session.secure) throw bad('Connection is already encrypted');
  if (!session.context.secureContext) throw bad('STARTTLS is not available: no certificate is configured');
  return { text: 'Begin TLS negotiation now', after: () => session.startTls() };
};

/** RFC 2971 limits: at most 30 field-value pairs, fields of 30 bytes, values of 1024. */
export const idCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 1);
  const [argument] = command.args;
  if (argument?.type === 'list') {
    const items = argument.items;
    if (items.length % 2 !== 0 || items.length > 60) throw bad('ID takes NIL or up to 30 field-value pairs');
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const isNil = item.type === 'atom' && item.value.toUpperCase() === 'NIL';
      if (item.type !== 'string' && !(i % 2 === 1 && isNil))
        throw bad('ID fields and values must be strings');
      if (item.type === 'string' && item.value.length > (i % 2 === 0 ? 30 : 1024))
        throw bad('ID field or value too long');
    }
  } else if (!(argument?.type === 'atom' && argument.value.toUpperCase() === 'NIL')) {
    throw bad('ID takes NIL or a parenthesised list');
  }
  session.out.line(
    `* ID (${imapUtf8String('name')} ${imapUtf8String('mailfleet')} ${imapUtf8String('vendor')} ${imapUtf8String('mailfleet')})`,
  );
  return undefined;
};

/** ENABLE (RFC 5161): CONDSTORE and QRESYNC (RFC 7162) can be enabled; others are ignored. */
export const enableCommand: CommandHandler = async (session, command) => {
  if (command.args.length === 0) throw bad('ENABLE needs at least one capability');
  const enabled: string[] = [];
  for (const argument of command.args) {
    if (argument.type !== 'atom') throw bad('ENABLE takes capability atoms');
    const name = argument.value.toUpperCase();
    if (name === 'CONDSTORE') enableCondstore(session);
    else if (name === 'QRESYNC') enableQresync(session);
    else continue;
    if (!enabled.includes(name)) enabled.push(name);
  }
  session.out.line(`* ENABLED${enabled.map((name) => ` ${name}`).join('')}`);
  return undefined;
};

/** NAMESPACE: one personal namespace, "" with separator ".". */
export const namespaceCommand: CommandHandler = async (session, command) => {
  expectArgs(command.args, 0);
  session.out.line('* NAMESPACE (("" ".")) NIL NIL');
  return undefined;
};
