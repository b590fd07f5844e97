/**
 * Runs one framed command for a session: parse, check the state, dispatch, then the untagged
 * updates the command allows, then the tagged reply. Failures that are not protocol outcomes are
 * answered `NO [SERVERBUG]` with a reference that is logged with the details.
 */
import { randomBytes } from 'node:crypto';
import { ImapParseError, parseCommand } from '../../protocol/imap/imap-parser.js';
import { type CommandOutcome, commandTable, uidCommands } from './command-table.js';
import { ImapCommandError, responseText, toImapError } from './imap-errors.js';
import type { ImapSession } from './imap-session.js';

function failureOf(session: ImapSession, error: unknown, name: string): ImapCommandError {
  try {
    return toImapError(error);
  } catch {
    const reference = randomBytes(4).toString('hex');
    session.context.log.error('imap command failed', {
      command: name,
      reference,
      user: session.user,
      error: String(error),
    });
    return new ImapCommandError('NO', `Internal error (reference ${reference})`, 'SERVERBUG');
  }
}

/** Parses and runs one command, writing all its responses. */
export async function runCommand(session: ImapSession, lines: Buffer[], literals: Buffer[]): Promise<void> {
  const out = session.out;
  let parsed: ReturnType<typeof parseCommand>;
  try {
    parsed = parseCommand(lines, literals, session.context.limits);
  } catch (error) {
    if (!(error instanceof ImapParseError)) throw error;
    out.line(`${error.tag ?? '*'} BAD ${responseText(error.message)}`);
    return;
  }
  session.context.counters.commands++;
  let { name, args } = parsed;
  const uid = name === 'UID';
  if (uid) {
    const inner = args[0];
    name = inner?.type === 'atom' ? inner.value.toUpperCase() : '';
    args = args.slice(1);
    if (!uidCommands.has(name)) {
      out.line(`${parsed.tag} BAD UID must be followed by ${[...uidCommands].join(', ')}`);
      return;
    }
  }
  const spec = commandTable.get(name);
  if (!spec) {
    out.line(`${parsed.tag} BAD Unknown command ${responseText(name)}`);
    return;
  }
  if (!spec.states.includes(session.state)) {
    const words =
      session.state === 'not-authenticated'
        ? 'before login'
        : spec.states.includes('not-authenticated')
          ? 'after login'
          : 'without a selected mailbox';
    out.line(`${parsed.tag} BAD ${name} is not allowed ${words}`);
    return;
  }
  let outcome: CommandOutcome | undefined;
  let status = 'OK';
  let code: string | undefined;
  let text = `${uid ? 'UID ' : ''}${name} completed`;
  try {
    outcome = await spec.run(session, { tag: parsed.tag, name, args }, uid);
    code = outcome?.code;
    text = outcome?.text ?? text;
  } catch (error) {
    const failure = failureOf(session, error, name);
    status = failure.status;
    code = failure.code;
    text = failure.message;
  }
  if (session.isClosed) return;
  // Untagged EXPUNGE must not interrupt FETCH, STORE or SEARCH by sequence number (RFC 3501 7.4.1).
  const updatesAllowed = spec.updates === 'any' || (spec.updates === 'uid' && uid);
  if (session.selected && updatesAllowed && (spec.refresh || session.selected.dirty)) {
    await session.refreshSelected();
    if (session.isClosed) return;
  }
  out.line(`${parsed.tag} ${status} ${code ? `[${code}] ` : ''}${responseText(text)}`);
  if (session.closeAfterReply !== undefined) {
    session.closeWithBye(session.closeAfterReply);
    return;
  }
  if (outcome?.after) {
    out.flush();
    outcome.after();
  }
}
