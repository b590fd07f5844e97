/**
 * The POP3 TRANSACTION state (RFC 1939 section 5, TOP and UIDL included): STAT, LIST, RETR, DELE,
 * NOOP, RSET, TOP, UIDL on the session's maildrop. QUIT (the UPDATE state) is the session's.
 */
import type { Pop3Event } from './pop3-context.js';
import type { Pop3Maildrop } from './pop3-maildrop.js';
import { err, messageTop, multiLineBody, ok } from './pop3-replies.js';

/** How a transaction command answers. */
export interface Pop3Replier {
  write(data: string | Buffer): Promise<void>;
  /** Answers a malformed command (and counts it against the connection). */
  bad(text: string): Promise<void>;
  record(event: Pop3Event): void;
}

/** Runs one command; `unknown` when the verb is not a TRANSACTION command. */
export async function runTransactionCommand(
  verb: string,
  rest: string,
  maildrop: Pop3Maildrop,
  io: Pop3Replier,
): Promise<'done' | 'unknown'> {
  const args = rest === '' ? [] : rest.split(' ');
  switch (verb) {
    case 'STAT': {
      if (args.length > 0) await io.bad('STAT takes no arguments');
      else {
        const { count, bytes } = maildrop.stat();
        await io.write(ok(`${count} ${bytes}`));
      }
      return 'done';
    }
    case 'LIST':
    case 'UIDL':
      await listing(verb, args, maildrop, io);
      return 'done';
    case 'RETR':
    case 'TOP':
      await retrieve(verb, args, maildrop, io);
      return 'done';
    case 'DELE': {
      const number = messageNumber(args, 1);
      if (typeof number === 'string') {
        await io.bad(`DELE ${number}`);
        return 'done';
      }
      const found = maildrop.find(number);
      if ('error' in found) await io.write(err(found.error));
      else {
        maildrop.markDeleted(number);
        await io.write(ok(`message ${number} deleted`));
      }
      return 'done';
    }
    case 'RSET': {
      maildrop.unmarkAll();
      const { count, bytes } = maildrop.stat();
      await io.write(ok(`maildrop has ${count} messages (${bytes} octets)`));
      return 'done';
    }
    case 'NOOP':
      await io.write(ok('nothing done'));
      return 'done';
    default:
      return 'unknown';
  }
}

async function listing(
  verb: 'LIST' | 'UIDL',
  args: string[],
  maildrop: Pop3Maildrop,
  io: Pop3Replier,
): Promise<void> {
  const show = (entry: { number: number; size: number; uidl: string }): string =>
    verb === 'LIST' ? `${entry.number} ${entry.size}` : `${entry.number} ${entry.uidl}`;
  if (args.length === 0) {
    const { count, bytes } = maildrop.stat();
    const head =
      verb === 'LIST' ? ok(`${count} messages (${bytes} octets)`) : ok('unique-id listing follows');
    const lines = maildrop.list().map((entry) => `${show(entry)}\r\n`);
    await io.write(`${head}${lines.join('')}.\r\n`);
    return;
  }
  const number = messageNumber(args, 1);
  if (typeof number === 'string') return io.bad(`${verb} ${number}`);
  const found = maildrop.find(number);
  await io.write('error' in found ? err(found.error) : ok(show(found.entry)));
}

async function retrieve(
  verb: 'RETR' | 'TOP',
  args: string[],
  maildrop: Pop3Maildrop,
  io: Pop3Replier,
): Promise<void> {
  const number = messageNumber(args, verb === 'RETR' ? 1 : 2);
  if (typeof number === 'string') return io.bad(`${verb} ${number}`);
  let lines = 0;
  if (verb === 'TOP') {
    const text = args[1] ?? '';
    if (!/^\d{1,9}$/.test(text)) return io.bad('TOP needs a message number and a number of lines');
    lines = Number(text);
  }
  const found = maildrop.find(number);
  if ('error' in found) return io.write(err(found.error));
  let message: Buffer;
  try {
    message = await maildrop.read(number);
  } catch {
    // Another session (IMAP) may have expunged it since this maildrop was listed.
    return io.write(err(`message ${number} is no longer available`, 'SYS/TEMP'));
  }
  const body = multiLineBody(verb === 'RETR' ? message : messageTop(message, lines));
  await io.write(ok(verb === 'RETR' ? `${found.entry.size} octets` : 'top of message follows'));
  await io.write(body);
  if (verb === 'RETR') io.record({ kind: 'retrieved', bytes: message.length });
}

/** The message number argument, or an error text when the arguments are not `count` items with a number first. */
function messageNumber(args: string[], count: number): number | string {
  if (args.length !== count) return count === 1 ? 'needs one message number' : `needs ${count} arguments`;
  const text = args[0] ?? '';
  if (!/^\d{1,9}$/.test(text)) return `needs a message number, not ${JSON.stringify(text.slice(0, 20))}`;
  return Number(text);
}
